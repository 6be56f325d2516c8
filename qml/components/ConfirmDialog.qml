// A yes/no question (delete). Escape or Cancel says no.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Dialog {
    id: dialog
    property string message
    property string confirmText: qsTr("OK")
    property alias confirmObjectName: confirm.objectName
    signal confirmed()
    modal: true
    padding: 18
    anchors.centerIn: Overlay.overlay
    width: Math.min(460, parent ? parent.width - 80 : 460)
    closePolicy: Popup.CloseOnEscape

    Label {
        width: parent.width
        text: dialog.message
        wrapMode: Text.Wrap
        color: Theme.text
    }
    footer: DialogButtonBox {
        Button {
            text: qsTr("Cancel")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
        Button {
            id: confirm
            text: dialog.confirmText
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
    }
    onAccepted: confirmed()
    onOpened: confirm.forceActiveFocus()
}
