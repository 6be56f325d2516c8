// Makes an invitation: how long it is valid and how many joins it admits,
// then the text, ready to copy.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Dialog {
    id: dialog
    property string contextId
    property string invitation
    property int uses: 0       // of the invitation shown
    property double expiresAt: 0  // its expiry, seconds since the epoch
    property bool creating: false
    // A new dialog for `id`: the choices kept, no invitation yet.
    function start(id) {
        contextId = id
        invitation = ""
        creating = false
        open()
    }
    function create() {
        creating = true
        Monitor.actions.invite(contextId, expiry.currentValue, usesBox.value)
    }
    title: qsTr("Invite")
    modal: true
    padding: 18
    anchors.centerIn: Overlay.overlay
    width: Math.min(600, parent ? parent.width - 80 : 600)
    closePolicy: Popup.CloseOnEscape
    standardButtons: Dialog.Close

    Connections {
        target: Monitor.actions
        function onFinished(requestId, operation, ok, message, result) {
            if (operation !== "invite" || !dialog.creating) return
            dialog.creating = false
            errorLabel.text = ok ? "" : message
            if (!ok) return
            dialog.invitation = result.invitation
            dialog.uses = result.uses
            dialog.expiresAt = result.expiresAt
        }
    }

    ColumnLayout {
        width: parent.width
        spacing: 10
        GridLayout {
            Layout.fillWidth: true
            columns: 4
            columnSpacing: 12
            rowSpacing: 8
            Label { text: qsTr("Valid for"); color: Theme.mutedText }
            ComboBox {
                id: expiry
                objectName: "inviteExpiry"
                textRole: "text"
                valueRole: "seconds"
                currentIndex: 1
                model: [
                    { text: qsTr("1 hour"), seconds: 3600 },
                    { text: qsTr("1 day"), seconds: 86400 },
                    { text: qsTr("7 days"), seconds: 604800 }
                ]
                Layout.preferredWidth: 130
            }
            Label { text: qsTr("Joins it admits"); color: Theme.mutedText; Layout.leftMargin: 12 }
            SpinBox {
                id: usesBox
                objectName: "inviteUses"
                from: 1
                to: 10000
                value: 1
                editable: true
                Layout.preferredWidth: 130
            }
        }
        RowLayout {
            Layout.fillWidth: true
            Label {
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: Theme.text
                text: dialog.invitation.length
                      ? qsTr("Send this text to the person you invite. It carries a one-time secret, not the key: share it only with them; this node admits the joins and can revoke it.")
                      : qsTr("Each invitation is signed by this node and can be revoked until it is used up or expires.")
            }
            Button {
                objectName: "createInvitationButton"
                text: dialog.invitation.length ? qsTr("Create another") : qsTr("Create invitation")
                highlighted: !dialog.invitation.length
                enabled: !dialog.creating && dialog.contextId.length > 0 && usesBox.value >= 1
                onClicked: dialog.create()
            }
        }
        Label {
            id: errorLabel
            objectName: "inviteError"
            Layout.fillWidth: true
            visible: text.length > 0
            wrapMode: Text.Wrap
            color: Theme.bad
        }
        CopyField {
            Layout.fillWidth: true
            // Tall enough for an invitation listing a few addresses (about ten lines).
            Layout.preferredHeight: 170
            visible: dialog.invitation.length > 0
            wrap: true
            text: dialog.invitation
            fieldObjectName: "invitationText"
            buttonObjectName: "copyInvitationButton"
        }
        Label {
            objectName: "invitationTerms"
            Layout.fillWidth: true
            visible: dialog.invitation.length > 0
            color: Theme.mutedText
            text: visible ? (dialog.uses === 1 ? qsTr("Admits 1 join") : qsTr("Admits %1 joins").arg(dialog.uses)) + " · " +
                            qsTr("expires %1").arg(new Date(dialog.expiresAt * 1000).toLocaleString(Qt.locale(), Locale.ShortFormat))
                          : ""
        }
    }
}
