// The page list on the left. Arrow keys move, Tab leaves; Ctrl+N jumps
// (shortcuts in Main.qml show next to the names).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Rectangle {
    id: rail
    property var pages: []
    property alias currentIndex: list.currentIndex
    color: Theme.panel

    Rectangle { anchors.right: parent.right; width: 1; height: parent.height; color: Theme.border }

    ColumnLayout {
        anchors.fill: parent
        anchors.topMargin: 16
        spacing: 8

        Label {
            Layout.leftMargin: 18
            text: "deltanode"
            font.pixelSize: 19
            font.bold: true
            color: Theme.text
        }
        RowLayout {
            Layout.leftMargin: 18
            spacing: 6
            Rectangle {
                width: 8; height: 8; radius: 4
                color: Monitor.storageFailure ? Theme.bad : Monitor.ready ? Theme.good : Theme.warn
            }
            Label {
                text: Monitor.storageFailure ? qsTr("node stopped") : Monitor.ready ? qsTr("node running") : qsTr("starting…")
                color: Theme.mutedText
                font.pixelSize: 12
            }
        }
        Item { Layout.preferredHeight: 8 }

        ListView {
            id: list
            objectName: "navList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            model: rail.pages
            keyNavigationEnabled: true
            activeFocusOnTab: true
            clip: true
            delegate: ItemDelegate {
                id: entry
                required property int index
                required property var modelData
                objectName: "nav_" + modelData.key
                width: ListView.view.width
                height: 40
                highlighted: ListView.isCurrentItem
                onClicked: list.currentIndex = index
                contentItem: RowLayout {
                    spacing: 8
                    Rectangle {
                        Layout.preferredWidth: 3
                        Layout.fillHeight: true
                        color: entry.highlighted ? Theme.accent : "transparent"
                    }
                    Label {
                        Layout.fillWidth: true
                        text: entry.modelData.title
                        color: entry.highlighted ? Theme.accent : Theme.text
                        font.bold: entry.highlighted
                    }
                    Label {
                        text: "Ctrl+" + (entry.index + 1)
                        color: Theme.mutedText
                        font.pixelSize: 11
                    }
                }
                background: Rectangle {
                    color: entry.highlighted ? Theme.panelAlt : entry.hovered ? Theme.panelAlt : "transparent"
                    border.width: list.activeFocus && entry.highlighted ? 1 : 0
                    border.color: Theme.accent
                }
            }
        }
    }
}
