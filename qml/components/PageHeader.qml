// Title row of a page, with room for page actions on the right.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

RowLayout {
    id: header
    property string title
    property string subtitle
    default property alias actions: tools.data
    spacing: 12
    ColumnLayout {
        spacing: 0
        Layout.fillWidth: true
        Label { text: header.title; font.pixelSize: 22; font.bold: true; color: Theme.text }
        Label {
            text: header.subtitle
            visible: text.length > 0
            color: Theme.mutedText
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
    }
    RowLayout { id: tools; spacing: 8 }
}
