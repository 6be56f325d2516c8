// What one delta is: id, author, HLC, parents, actions, events.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Rectangle {
    id: panel
    property var details: null
    signal close()
    color: Theme.panel
    border.color: Theme.border
    radius: 6

    ScrollView {
        id: scroll
        anchors.fill: parent
        anchors.margins: 12
        contentWidth: availableWidth
        clip: true
        ColumnLayout {
            width: scroll.availableWidth
            spacing: 6
            RowLayout {
                Layout.fillWidth: true
                Label { text: qsTr("Delta"); font.bold: true; font.pixelSize: 16; color: Theme.text; Layout.fillWidth: true }
                ToolButton {
                    text: "✕"
                    Layout.preferredWidth: 28
                    Layout.preferredHeight: 28
                    Accessible.name: qsTr("Close")
                    onClicked: panel.close()
                }
            }
            Label {
                objectName: "deltaKind"
                text: panel.details ? panel.details.kind + (panel.details.isHead ? qsTr(" · head") : "") : ""
                color: panel.details && panel.details.kind === "pending" ? Theme.pending : Theme.mutedText
            }
            SectionLabel { text: qsTr("Id") }
            CopyField { Layout.fillWidth: true; wrap: true; text: panel.details ? panel.details.deltaId : ""; fieldObjectName: "deltaIdField" }
            SectionLabel { text: qsTr("Author") }
            Label { Layout.fillWidth: true; text: panel.details ? panel.details.author : ""; font.family: Theme.monoFont; font.pixelSize: 12; color: Theme.text; wrapMode: Text.WrapAnywhere }
            SectionLabel { text: qsTr("HLC") }
            Label { Layout.fillWidth: true; text: panel.details ? panel.details.hlcTime : ""; color: Theme.text; wrapMode: Text.Wrap }
            Label { text: panel.details ? qsTr("generation %1 · lane %2").arg(panel.details.generation).arg(panel.details.lane) : ""; color: Theme.mutedText; font.pixelSize: 12 }
            SectionLabel { text: qsTr("Parents (%1)").arg(panel.details ? panel.details.parents.length : 0) }
            Repeater {
                model: panel.details ? panel.details.parents : []
                delegate: Label {
                    required property string modelData
                    Layout.fillWidth: true
                    text: modelData
                    font.family: Theme.monoFont; font.pixelSize: 11; color: Theme.text; elide: Text.ElideMiddle
                }
            }
            SectionLabel { text: qsTr("Actions (%1)").arg(panel.details ? panel.details.actions.length : 0) }
            Repeater {
                objectName: "deltaActions"
                model: panel.details ? panel.details.actions : []
                delegate: Label {
                    required property string modelData
                    Layout.fillWidth: true
                    text: modelData
                    font.family: Theme.monoFont; font.pixelSize: 11; color: Theme.text; wrapMode: Text.WrapAnywhere
                }
            }
            SectionLabel { text: qsTr("Events (%1)").arg(panel.details ? panel.details.events.length : 0) }
            Repeater {
                model: panel.details ? panel.details.events : []
                delegate: Label {
                    required property string modelData
                    Layout.fillWidth: true
                    text: modelData
                    font.family: Theme.monoFont; font.pixelSize: 11; color: Theme.accent; wrapMode: Text.WrapAnywhere
                }
            }
        }
    }
}
