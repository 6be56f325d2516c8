// The selected context's members (ARCHITECTURE §15): peer id, role, whether
// it is connected, and, for an admin of the context, removing one. Read
// afresh when the tab is shown, when the member count changes and after a
// removal.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Item {
    id: tab
    property string contextId
    property int memberCount: 0  // the snapshot's count: a change means a fresh read
    property bool active: false  // the tab is shown
    property var members: []
    property string selfRole
    property string error
    property int request: 0
    property string removing  // the peer id the dialog asks about

    function refresh() {
        if (active && contextId.length) request = Monitor.actions.members(contextId)
    }
    onActiveChanged: refresh()
    onMemberCountChanged: refresh()
    onContextIdChanged: { members = []; selfRole = ""; error = ""; refresh() }
    // Connections come and go without a change in membership.
    Timer { interval: 3000; repeat: true; running: tab.active; onTriggered: tab.refresh() }

    Connections {
        target: Monitor.actions
        function onFinished(requestId, operation, ok, message, result) {
            if (operation === "members" && requestId === tab.request) {
                if (!ok) { tab.error = message; return }
                if (result.contextId !== tab.contextId) return
                tab.members = result.members
                tab.selfRole = result.selfRole
                tab.error = ""
            } else if (operation === "removeMember" || operation === "setRole") {
                tab.error = ok ? "" : message
                tab.refresh()
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 6

        RowLayout {
            Layout.fillWidth: true
            Label {
                text: tab.members.length === 1 ? qsTr("1 member") : qsTr("%1 members").arg(tab.members.length)
                color: Theme.mutedText
            }
            Label {
                text: tab.selfRole === "admin" ? qsTr("· you are an admin") : tab.selfRole === "member" ? qsTr("· you are a member; only admins remove members") : ""
                color: Theme.mutedText
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
            Label {
                objectName: "membersError"
                text: tab.error
                visible: text.length > 0
                color: Theme.bad
                elide: Text.ElideRight
                Layout.maximumWidth: 320
            }
            Button { text: qsTr("Refresh"); flat: true; onClicked: tab.refresh() }
        }

        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            color: "transparent"
            border.color: Theme.border
            radius: 4
            ListView {
                id: list
                objectName: "memberList"
                anchors.fill: parent
                anchors.margins: 1
                clip: true
                model: tab.members
                ScrollBar.vertical: ScrollBar {}
                delegate: Rectangle {
                    id: row
                    required property var modelData
                    required property int index
                    objectName: "memberRow_" + index
                    readonly property string peerId: modelData.peerId
                    readonly property bool online: modelData.online
                    width: ListView.view.width
                    height: 44
                    color: index % 2 ? Theme.panelAlt : "transparent"
                    RowLayout {
                        anchors.fill: parent
                        anchors.leftMargin: 12
                        anchors.rightMargin: 8
                        spacing: 10
                        Rectangle {
                            width: 8; height: 8; radius: 4
                            color: row.modelData.online ? Theme.good : Theme.mutedText
                            opacity: row.modelData.online ? 1 : 0.5
                            ToolTip.visible: dotArea.containsMouse
                            ToolTip.text: row.modelData.online ? qsTr("connected") : qsTr("not connected")
                            MouseArea { id: dotArea; anchors.fill: parent; hoverEnabled: true }
                        }
                        Label {
                            text: row.modelData.peerId
                            font.family: Theme.monoFont; font.pixelSize: 12
                            color: Theme.text
                            elide: Text.ElideMiddle
                            Layout.fillWidth: true
                            Layout.minimumWidth: 100
                        }
                        // A fixed slot, so the role column lines up with or without the badge.
                        Item {
                            Layout.preferredWidth: 36
                            implicitHeight: youBadge.implicitHeight
                            Label {
                                id: youBadge
                                anchors.centerIn: parent
                                visible: row.modelData.self
                                text: qsTr("you")
                                color: Theme.accentText
                                font.pixelSize: 11; font.bold: true
                                leftPadding: 6; rightPadding: 6; topPadding: 1; bottomPadding: 1
                                background: Rectangle { color: Theme.accent; radius: 3 }
                            }
                        }
                        Label {
                            text: row.modelData.role
                            color: row.modelData.role === "admin" ? Theme.text : Theme.mutedText
                            font.bold: row.modelData.role === "admin"
                            Layout.preferredWidth: 60
                        }
                        Label {
                            text: row.modelData.addedAt > 0 ? qsTr("added %1").arg(Qt.formatDateTime(new Date(row.modelData.addedAt), "yyyy-MM-dd hh:mm")) : qsTr("founding member")
                            color: Theme.mutedText
                            font.pixelSize: 11
                            Layout.preferredWidth: 150
                            elide: Text.ElideRight
                            visible: row.width >= 640  // the first to go in a narrow window
                        }
                        Button {
                            objectName: "roleButton"
                            property string peerId: row.modelData.peerId
                            readonly property string target: row.modelData.role === "admin" ? "member" : "admin"
                            text: target === "admin" ? qsTr("Make admin") : qsTr("Make member")
                            flat: true
                            enabled: tab.selfRole === "admin" && !row.modelData.self
                            opacity: row.modelData.self ? 0 : enabled ? 1 : 0.45
                            Layout.preferredWidth: 118
                            ToolTip.visible: hovered
                            ToolTip.text: target === "admin" ? qsTr("Let this member add and remove members and invite") : qsTr("Take this member's admin rights away")
                            onClicked: Monitor.actions.setRole(tab.contextId, peerId, target)
                        }
                        Button {
                            objectName: "removeMemberButton"
                            property string peerId: row.modelData.peerId
                            text: qsTr("Remove…")
                            enabled: tab.selfRole === "admin" && !row.modelData.self
                            // Not on this node's own row; kept in the layout so the columns line up.
                            opacity: row.modelData.self ? 0 : enabled ? 1 : 0.45
                            onClicked: {
                                tab.removing = peerId
                                removeDialog.open()
                            }
                        }
                    }
                }
                Label {
                    anchors.centerIn: parent
                    visible: list.count === 0
                    text: tab.error.length ? "" : qsTr("Reading members…")
                    color: Theme.mutedText
                }
            }
        }
    }

    ConfirmDialog {
        id: removeDialog
        objectName: "removeMemberDialog"
        parent: Overlay.overlay
        title: qsTr("Remove member")
        confirmText: qsTr("Remove")
        confirmObjectName: "confirmRemoveMemberButton"
        message: qsTr("Remove %1 from this context? It gets no new deltas from now on and a new key epoch starts; what it already has, it keeps.").arg(tab.removing)
        onConfirmed: Monitor.actions.removeMember(tab.contextId, tab.removing)
    }
}
