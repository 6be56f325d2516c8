// Bottom line: what is running now (with a busy indicator), peer count, uptime.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

ToolBar {
    objectName: "statusBar"
    background: Rectangle {
        color: Theme.panel
        Rectangle { width: parent.width; height: 1; color: Theme.border }
    }
    leftPadding: 12
    rightPadding: 12
    topPadding: 4
    bottomPadding: 4
    RowLayout {
        width: parent.width
        spacing: 16
        BusyIndicator {
            objectName: "busyIndicator"
            running: Monitor.actions.busy || Monitor.dagLoading
            visible: running
            Layout.preferredWidth: 22
            Layout.preferredHeight: 22
        }
        Label {
            text: Monitor.storageFailure ? qsTr("Stopped: storage failed")
                  : Monitor.actions.busy ? Monitor.actions.busyText : (Monitor.ready ? qsTr("Ready") : qsTr("Starting the node…"))
            color: Theme.mutedText
        }
        Item { Layout.fillWidth: true }
        Label { text: Monitor.contextCount === 1 ? qsTr("1 context") : qsTr("%1 contexts").arg(Monitor.contextCount); color: Theme.mutedText }
        Label { text: Monitor.peerCount === 1 ? qsTr("1 peer") : qsTr("%1 peers").arg(Monitor.peerCount); color: Theme.mutedText }
        Label { text: qsTr("up %1").arg(Format.duration(Monitor.uptimeSeconds)); color: Theme.mutedText }
    }
}
