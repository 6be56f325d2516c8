// The node's log, filterable by text and minimum level; follows the end
// unless scrolled up.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Item {
    id: page
    FilterSortModel {
        id: filtered
        objectName: "logFiltered"
        source: Monitor.log
        filterRoleNames: ["message", "category"]
        filterText: filter.text
        minimumRoleName: "level"
        minimumValue: level.currentIndex
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 20
        spacing: 12

        PageHeader {
            Layout.fillWidth: true
            title: qsTr("Log")
            subtitle: qsTr("%1 of %2 lines").arg(filtered.count).arg(Monitor.log.count)
            TextField {
                id: filter
                objectName: "logFilterField"
                Layout.preferredWidth: 260
                placeholderText: qsTr("Filter (text or category)")
            }
            ComboBox {
                id: level
                objectName: "logLevelCombo"
                model: [qsTr("debug and up"), qsTr("info and up"), qsTr("warnings and up"), qsTr("errors only")]
                currentIndex: 1
                Layout.preferredWidth: 170
            }
        }

        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            color: Theme.panel
            border.color: Theme.border
            radius: 6
            TailListView {
                objectName: "logList"
                anchors.fill: parent
                anchors.margins: 8
                model: filtered
                emptyText: qsTr("No lines match")
                delegate: RowLayout {
                    required property string time
                    required property string levelName
                    required property int level
                    required property string category
                    required property string message
                    width: ListView.view.width
                    spacing: 10
                    Label { text: time; color: Theme.mutedText; font.family: Theme.monoFont; font.pixelSize: 12 }
                    Label {
                        text: levelName
                        Layout.preferredWidth: 60
                        font.pixelSize: 12
                        color: level >= 3 ? Theme.bad : level === 2 ? Theme.warn : Theme.mutedText
                    }
                    Label { text: category; color: Theme.accent; font.pixelSize: 12; Layout.preferredWidth: 110; elide: Text.ElideRight }
                    Label {
                        text: message
                        color: Theme.text
                        font.family: Theme.monoFont
                        font.pixelSize: 12
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                }
            }
        }
    }
}
