// The selected context: facts, Invite/Delete, and tabs for calling methods,
// browsing state, watching events and managing members.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Rectangle {
    id: details
    property var context: null
    signal inviteRequested()
    signal deleteRequested()
    color: Theme.panel
    border.color: Theme.border
    radius: 6

    Label {
        anchors.centerIn: parent
        visible: !details.context
        text: qsTr("Select a context")
        color: Theme.mutedText
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 14
        spacing: 10
        visible: !!details.context

        RowLayout {
            Layout.fillWidth: true
            ColumnLayout {
                Layout.fillWidth: true
                spacing: 0
                Label {
                    objectName: "contextTitle"
                    text: details.context ? details.context.name : ""
                    font.pixelSize: 18; font.bold: true; color: Theme.text
                    elide: Text.ElideRight; Layout.fillWidth: true
                }
                Label {
                    text: details.context ? qsTr("app %1 · %2").arg(details.context.appName).arg(details.context.isOwner ? qsTr("created here") : qsTr("joined")) : ""
                    color: Theme.mutedText
                }
            }
            Button {
                objectName: "inviteButton"
                text: qsTr("Invite…")
                enabled: !!details.context
                onClicked: details.inviteRequested()
            }
            Button {
                objectName: "deleteButton"
                text: qsTr("Delete…")
                enabled: !!details.context
                onClicked: details.deleteRequested()
            }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: 12
            Label { text: qsTr("Context id"); color: Theme.mutedText; Layout.preferredWidth: 96 }
            CopyField {
                Layout.fillWidth: true
                text: details.context ? details.context.contextId : ""
                fieldObjectName: "contextIdField"
            }
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: 12
            Label { text: qsTr("Root hash"); color: Theme.mutedText; Layout.preferredWidth: 96 }
            Label {
                Layout.fillWidth: true
                text: details.context ? details.context.rootHash : ""
                font.family: Theme.monoFont; font.pixelSize: 12; color: Theme.text; elide: Text.ElideMiddle
            }
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: 12
            Label { text: qsTr("Deltas"); color: Theme.mutedText; Layout.preferredWidth: 96 }
            Label {
                objectName: "contextCounts"
                text: details.context ? qsTr("%1 applied · %2 pending").arg(details.context.applied).arg(details.context.pending) : ""
                color: details.context && details.context.pending > 0 ? Theme.warn : Theme.text
            }
            Item { Layout.preferredWidth: 24 }
            Label { text: qsTr("Members"); color: Theme.mutedText }
            Label { objectName: "contextMembers"; text: details.context ? details.context.members : ""; color: Theme.text }
            Item { Layout.preferredWidth: 24 }
            Label { text: qsTr("Heads"); color: Theme.mutedText }
            Label { text: details.context ? details.context.headCount : ""; color: Theme.text }
            Item { Layout.fillWidth: true }
        }

        TabBar {
            id: tabs
            objectName: "contextTabs"
            Layout.fillWidth: true
            TabButton { objectName: "callTab"; text: qsTr("Call") }
            TabButton { objectName: "stateTab"; text: qsTr("State (%1)").arg(Monitor.state.count) }
            TabButton { objectName: "eventsTab"; text: qsTr("Events") }
            TabButton { objectName: "membersTab"; text: qsTr("Members") }
        }
        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: tabs.currentIndex
            CallPanel { contextId: details.context ? details.context.contextId : "" }
            StateBrowser {}
            EventLogView { contextId: details.context ? details.context.contextId : "" }
            ContextMembersTab {
                contextId: details.context ? details.context.contextId : ""
                memberCount: details.context ? details.context.members : 0
                active: tabs.currentIndex === 3 && details.visible
            }
        }
    }
}
