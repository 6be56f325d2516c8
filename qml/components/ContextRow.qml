// One context in the list: name, app, counts.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

ItemDelegate {
    id: row
    required property int index
    required property string contextId
    required property string name
    required property string appName
    required property double applied
    required property double pending
    required property int members
    required property int headCount
    property bool selected: false
    objectName: "contextRow_" + index
    height: 64
    highlighted: selected

    background: Rectangle {
        color: row.selected ? Theme.panelAlt : row.hovered ? Theme.panelAlt : "transparent"
        Rectangle { width: 3; height: parent.height; color: row.selected ? Theme.accent : "transparent" }
        Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border; opacity: 0.6 }
    }
    contentItem: ColumnLayout {
        spacing: 2
        RowLayout {
            Label { text: row.name; font.bold: true; color: Theme.text; elide: Text.ElideRight; Layout.fillWidth: true }
            Label { text: row.appName; color: Theme.mutedText; font.pixelSize: 12; elide: Text.ElideRight; Layout.maximumWidth: row.width / 3 }
        }
        RowLayout {
            spacing: 10
            // The id gives way first when the list is narrow.
            Label {
                text: row.contextId; elide: Text.ElideRight
                color: Theme.mutedText; font.family: Theme.monoFont; font.pixelSize: 11
                Layout.fillWidth: true; Layout.minimumWidth: 24; Layout.maximumWidth: implicitWidth
            }
            Item { Layout.fillWidth: true }
            Label { text: qsTr("%1 deltas").arg(row.applied); color: Theme.mutedText; font.pixelSize: 11 }
            Label { text: qsTr("%1 pending").arg(row.pending); visible: row.pending > 0; color: Theme.warn; font.pixelSize: 11 }
            Label { text: row.members === 1 ? qsTr("1 member") : qsTr("%1 members").arg(row.members); color: Theme.mutedText; font.pixelSize: 11 }
        }
    }
}
