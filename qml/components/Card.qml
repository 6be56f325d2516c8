// A titled panel. Content goes into the default property.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Rectangle {
    id: card
    property string title
    property alias headerExtra: extra.data
    default property alias content: body.data
    color: Theme.panel
    radius: 6
    border.color: Theme.border
    implicitHeight: header.implicitHeight + body.implicitHeight + 40
    implicitWidth: 240

    RowLayout {
        id: header
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 14 }
        visible: card.title.length > 0
        Label {
            text: card.title
            font.bold: true
            font.pixelSize: 14
            color: Theme.text
            Layout.fillWidth: true
            elide: Text.ElideRight
        }
        RowLayout { id: extra; spacing: 6 }
    }
    Item {
        id: body
        anchors {
            left: parent.left; right: parent.right; bottom: parent.bottom
            top: card.title.length > 0 ? header.bottom : parent.top
            margins: 14
        }
        // The content's own size (childrenRect would loop with content that fills the card).
        implicitHeight: children.length > 0 ? children[0].implicitHeight : 0
    }
}
