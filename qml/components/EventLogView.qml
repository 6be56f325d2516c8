// Live events of one context (all contexts when contextId is empty), newest
// at the bottom; follows the end unless scrolled up.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

ColumnLayout {
    id: view
    property string contextId
    spacing: 6
    FilterSortModel {
        id: filtered
        source: Monitor.events
        matchRoleName: "contextId"
        matchValue: view.contextId
    }
    RowLayout {
        Layout.fillWidth: true
        Label {
            text: qsTr("%1 events").arg(list.count)
            color: Theme.mutedText
            Layout.fillWidth: true
        }
        Label {
            visible: Monitor.events.dropped > 0
            text: qsTr("%1 skipped under load").arg(Monitor.events.dropped)
            color: Theme.warn
        }
    }
    TailListView {
        id: list
        objectName: "eventList"
        Layout.fillWidth: true
        Layout.fillHeight: true
        model: filtered
        emptyText: qsTr("No events yet")
        delegate: RowLayout {
            required property string time
            required property string kind
            required property string payload
            required property string deltaId
            width: ListView.view.width
            spacing: 8
            Label { text: time; color: Theme.mutedText; font.family: Theme.monoFont; font.pixelSize: 11 }
            Label { text: kind; color: Theme.accent; font.bold: true; font.pixelSize: 12 }
            Label {
                text: payload
                color: Theme.text
                font.family: Theme.monoFont
                font.pixelSize: 12
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
        }
    }
}
