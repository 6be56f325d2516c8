// Join by pasting an invitation; shows progress while the app is fetched
// and the history synced.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Dialog {
    id: dialog
    title: qsTr("Join a context")
    modal: true
    padding: 18
    anchors.centerIn: Overlay.overlay
    width: Math.min(560, parent ? parent.width - 80 : 560)
    closePolicy: Popup.CloseOnEscape
    property int requestId: 0
    property string error

    onOpened: { error = ""; invitation.forceActiveFocus() }

    Connections {
        target: Monitor.actions
        function onFinished(requestId, operation, ok, message, result) {
            if (requestId !== dialog.requestId) return
            dialog.requestId = 0
            if (ok) { invitation.text = ""; dialog.close() }
            else dialog.error = message
        }
    }

    ColumnLayout {
        width: parent.width
        spacing: 10
        Label { text: qsTr("Paste the invitation (dn1…) you were given."); color: Theme.text; wrapMode: Text.Wrap; Layout.fillWidth: true }
        ScrollView {
            Layout.fillWidth: true
            Layout.preferredHeight: 90
            TextArea {
                id: invitation
                objectName: "invitationField"
                wrapMode: TextEdit.WrapAnywhere
                font.family: Theme.monoFont
                font.pixelSize: 12
                placeholderText: "dn1…"
                selectByMouse: true
                KeyNavigation.priority: KeyNavigation.BeforeItem
                background: Rectangle { color: Theme.panelAlt; radius: 4; border.color: invitation.activeFocus ? Theme.accent : Theme.border }
            }
        }
        Label {
            objectName: "joinError"
            text: dialog.error
            visible: text.length > 0
            color: Theme.bad
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        ColumnLayout {
            visible: dialog.requestId !== 0
            Layout.fillWidth: true
            Label { text: Monitor.actions.joinStage; color: Theme.mutedText }
            ProgressBar {
                objectName: "joinProgress"
                Layout.fillWidth: true
                from: 0; to: 1
                value: Monitor.actions.joinProgress
            }
        }
    }

    footer: DialogButtonBox {
        Button {
            text: qsTr("Close")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
        Button {
            objectName: "joinConfirmButton"
            text: qsTr("Join")
            enabled: invitation.text.trim().length > 0 && dialog.requestId === 0
            onClicked: {
                dialog.error = ""
                dialog.requestId = Monitor.actions.join(invitation.text)
            }
        }
    }
}
