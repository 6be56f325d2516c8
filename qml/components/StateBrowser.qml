// The selected context's state: keys with their values or counters.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

ColumnLayout {
    spacing: 6
    FilterSortModel {
        id: filtered
        source: Monitor.state
        filterRoleNames: ["key", "displayValue"]
        filterText: filter.text
    }
    RowLayout {
        Layout.fillWidth: true
        TextField {
            id: filter
            objectName: "stateFilter"
            Layout.fillWidth: true
            placeholderText: qsTr("Filter keys and values")
        }
        Button {
            objectName: "stateRefreshButton"
            text: qsTr("Refresh")
            onClicked: Monitor.refreshState()
        }
    }
    RowLayout {
        Layout.fillWidth: true
        Label { text: qsTr("Key"); color: Theme.mutedText; font.bold: true; Layout.preferredWidth: parent.width * 0.4 }
        Label { text: qsTr("Value"); color: Theme.mutedText; font.bold: true; Layout.fillWidth: true }
    }
    ListView {
        id: list
        objectName: "stateList"
        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        model: filtered
        activeFocusOnTab: true
        ScrollBar.vertical: ScrollBar {}
        delegate: Rectangle {
            required property int index
            required property string key
            required property string displayValue
            required property bool isCounter
            width: ListView.view.width
            height: 26
            color: index % 2 ? Theme.panelAlt : "transparent"
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 4
                anchors.rightMargin: 4
                Label {
                    text: key
                    font.family: Theme.monoFont; font.pixelSize: 12; color: Theme.text
                    elide: Text.ElideRight
                    Layout.preferredWidth: list.width * 0.4
                }
                Label {
                    text: isCounter ? qsTr("counter %1").arg(displayValue) : displayValue
                    font.family: Theme.monoFont; font.pixelSize: 12
                    color: isCounter ? Theme.accent : Theme.text
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
            }
        }
        Label {
            anchors.centerIn: parent
            visible: list.count === 0
            text: qsTr("No entries")
            color: Theme.mutedText
        }
    }
}
