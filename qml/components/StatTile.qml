// A number with a label (Overview, Blob cache).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Rectangle {
    id: tile
    property string label
    property string value
    property string detail
    property color valueColor: Theme.text
    color: Theme.panel
    radius: 6
    border.color: Theme.border
    implicitWidth: 160
    implicitHeight: 78

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 2
        Label { text: tile.label; color: Theme.mutedText; font.pixelSize: 12; elide: Text.ElideRight; Layout.fillWidth: true }
        Label {
            objectName: tile.objectName + "_value"
            text: tile.value
            color: tile.valueColor
            font.pixelSize: 22
            font.bold: true
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
        Label {
            text: tile.detail
            visible: text.length > 0
            color: Theme.mutedText
            font.pixelSize: 11
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
    }
}
