// Read-only monospace text with a Copy button (ids, addresses, invitations).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

RowLayout {
    id: row
    property alias text: field.text
    property alias buttonObjectName: copy.objectName
    property alias fieldObjectName: field.objectName
    property bool wrap: false
    spacing: 6

    TextArea {
        id: field
        Layout.fillWidth: true
        readOnly: true
        selectByMouse: true
        wrapMode: row.wrap ? TextEdit.WrapAnywhere : TextEdit.NoWrap
        font.family: Theme.monoFont
        font.pixelSize: 12
        color: Theme.text
        background: Rectangle { color: Theme.panelAlt; radius: 4 }
    }
    Button {
        id: copy
        text: qsTr("Copy")
        enabled: field.text.length > 0
        Layout.alignment: Qt.AlignTop
        onClicked: {
            Monitor.actions.copyText(field.text)
            text = qsTr("Copied")
            reset.restart()
        }
        Timer { id: reset; interval: 1500; onTriggered: copy.text = qsTr("Copy") }
    }
}
