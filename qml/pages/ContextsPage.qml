// Contexts: the list on the left; the selected context's details, call
// panel, state browser and live events on the right. Create, join, invite
// and delete are dialogs.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Item {
    id: page
    property var selected: null
    function refreshSelected() { selected = list.currentIndex >= 0 ? Monitor.contexts.get(list.currentIndex) : null }

    // Keep the selection on the same context as rows come and go.
    function selectContext(id) {
        Monitor.selectedContext = id
        list.currentIndex = Monitor.contexts.indexOf(id)
    }
    Connections {
        target: Monitor.contexts
        function onCountChanged() { list.currentIndex = Monitor.contexts.indexOf(Monitor.selectedContext); page.refreshSelected() }
        function onDataChanged() { page.refreshSelected() }
    }
    Connections {
        target: Monitor.actions
        function onFinished(requestId, operation, ok, message, result) {
            if (!ok) return
            if (operation === "create" || operation === "join") {
                pendingSelect = result.contextId
                page.selectContext(result.contextId)
            }
        }
    }
    // A created/joined context shows up with the next snapshot; select it then.
    property string pendingSelect
    Connections {
        target: Monitor
        function onBatchApplied() {
            if (page.pendingSelect.length && Monitor.contexts.indexOf(page.pendingSelect) >= 0) {
                page.selectContext(page.pendingSelect)
                page.pendingSelect = ""
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 20
        spacing: 14

        PageHeader {
            Layout.fillWidth: true
            title: qsTr("Contexts")
            subtitle: (Monitor.contextCount === 1 ? qsTr("1 context") : qsTr("%1 contexts").arg(Monitor.contextCount)) + " · " +
                      (Monitor.appCount === 1 ? qsTr("1 app installed") : qsTr("%1 apps installed").arg(Monitor.appCount))
            Button {
                objectName: "createContextButton"
                text: qsTr("New context…")
                highlighted: true
                onClicked: createDialog.open()
            }
            Button {
                objectName: "joinButton"
                text: qsTr("Join…")
                onClicked: joinDialog.open()
            }
        }

        SplitView {
            id: split
            Layout.fillWidth: true
            Layout.fillHeight: true
            orientation: Qt.Horizontal

            Rectangle {
                // Narrow windows give the list less, so the details (at least
                // 520 px: the members row) are never pushed past the right edge.
                SplitView.preferredWidth: Math.max(200, Math.min(360, split.width - 520))
                SplitView.minimumWidth: 200
                color: Theme.panel
                border.color: Theme.border
                radius: 6
                ListView {
                    id: list
                    objectName: "contextsList"
                    anchors.fill: parent
                    anchors.margins: 1
                    clip: true
                    model: Monitor.contexts
                    activeFocusOnTab: true
                    keyNavigationEnabled: true
                    currentIndex: -1
                    onCurrentIndexChanged: {
                        if (currentIndex >= 0) Monitor.selectedContext = Monitor.contexts.get(currentIndex).contextId
                        page.refreshSelected()
                    }
                    ScrollBar.vertical: ScrollBar {}
                    delegate: ContextRow {
                        width: ListView.view.width
                        selected: ListView.isCurrentItem
                        onClicked: { list.currentIndex = index; list.forceActiveFocus() }
                    }
                    Label {
                        anchors.centerIn: parent
                        width: parent.width - 40
                        visible: list.count === 0
                        horizontalAlignment: Text.AlignHCenter
                        wrapMode: Text.Wrap
                        color: Theme.mutedText
                        text: qsTr("No contexts yet. Create one from a sample app, or join one with an invitation.")
                    }
                }
            }

            ContextDetails {
                SplitView.fillWidth: true
                SplitView.minimumWidth: 420
                context: page.selected
                onInviteRequested: inviteDialog.start(page.selected.contextId)
                onDeleteRequested: deleteDialog.open()
            }
        }
    }

    CreateContextDialog { id: createDialog; objectName: "createDialog" }
    JoinDialog { id: joinDialog; objectName: "joinDialog" }
    InviteDialog { id: inviteDialog; objectName: "inviteDialog" }
    ConfirmDialog {
        id: deleteDialog
        objectName: "deleteDialog"
        title: qsTr("Delete context")
        confirmText: qsTr("Delete")
        confirmObjectName: "deleteConfirmButton"
        message: page.selected ? qsTr("Delete “%1”? Its state and history are removed from this node; other members keep theirs.").arg(page.selected.name) : ""
        onConfirmed: {
            Monitor.actions.deleteContext(page.selected.contextId)
            Monitor.selectedContext = ""
            list.currentIndex = -1
        }
    }
}
