// Shows a fresh invitation, ready to copy.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Dialog {
    id: dialog
    property string invitation
    title: qsTr("Invitation")
    modal: true
    padding: 18
    anchors.centerIn: Overlay.overlay
    width: Math.min(600, parent ? parent.width - 80 : 600)
    closePolicy: Popup.CloseOnEscape
    standardButtons: Dialog.Close

    ColumnLayout {
        width: parent.width
        spacing: 10
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Theme.text
            text: qsTr("Send this text to the person you invite. It holds the context's key: share it only with them.")
        }
        CopyField {
            Layout.fillWidth: true
            Layout.preferredHeight: 110
            wrap: true
            text: dialog.invitation
            fieldObjectName: "invitationText"
            buttonObjectName: "copyInvitationButton"
        }
    }
}
