// The monitor window: a navigation rail and seven pages (ARCHITECTURE §13).
// Ctrl+1…7 switch pages; geometry and the last page are remembered.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Qt.labs.settings
import DeltaNode

ApplicationWindow {
    id: window
    objectName: "mainWindow"
    width: 1280
    height: 800
    minimumWidth: 960
    minimumHeight: 600
    visible: true
    title: Monitor.ready ? qsTr("deltanode — %1").arg(Monitor.peerId.slice(0, 16) + "…") : qsTr("deltanode")
    color: Theme.window

    palette {
        window: Theme.window
        windowText: Theme.text
        base: Theme.panel
        alternateBase: Theme.panelAlt
        text: Theme.text
        button: Theme.panelAlt
        buttonText: Theme.text
        highlight: Theme.accent
        highlightedText: Theme.accentText
        placeholderText: Theme.mutedText
        mid: Theme.border
        light: Theme.panel
        dark: Theme.border
        toolTipBase: Theme.panel
        toolTipText: Theme.text
    }

    readonly property var pages: [
        { key: "overview", title: qsTr("Overview") },
        { key: "contexts", title: qsTr("Contexts") },
        { key: "dag", title: qsTr("DAG") },
        { key: "latency", title: qsTr("Latency") },
        { key: "peers", title: qsTr("Peers") },
        { key: "blobs", title: qsTr("Blob cache") },
        { key: "log", title: qsTr("Log") }
    ]
    property alias currentPage: nav.currentIndex

    Settings {
        id: settings
        category: "window"
        property alias x: window.x
        property alias y: window.y
        property alias width: window.width
        property alias height: window.height
        property int page: 0
    }
    Component.onCompleted: nav.currentIndex = Math.max(0, Math.min(pages.length - 1, settings.page))
    onCurrentPageChanged: settings.page = currentPage

    Repeater {
        model: window.pages.length
        delegate: Item {
            required property int index
            Shortcut {
                sequence: "Ctrl+" + (index + 1)
                onActivated: { nav.currentIndex = index; stack.children[index].forceActiveFocus() }
            }
        }
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        NavRail {
            id: nav
            Layout.fillHeight: true
            Layout.preferredWidth: 176
            pages: window.pages
        }

        StackLayout {
            id: stack
            objectName: "pageStack"
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: nav.currentIndex

            OverviewPage { objectName: "overviewPage" }
            ContextsPage { objectName: "contextsPage" }
            DagPage { objectName: "dagPage"; active: stack.currentIndex === 2 }
            LatencyPage { objectName: "latencyPage" }
            PeersPage { objectName: "peersPage" }
            BlobCachePage { objectName: "blobCachePage" }
            LogPage { objectName: "logPage" }
        }
    }

    // Fail-stop storage: the node stopped; say why and that acknowledged data is safe.
    header: StorageBanner { message: Monitor.storageFailure }
    footer: StatusBar {}

    Toast { id: toast; objectName: "toast" }
    Connections {
        target: Monitor.actions
        function onFinished(requestId, operation, ok, message, result) {
            if (!ok) toast.show(qsTr("%1 failed: %2").arg(operation).arg(message), true)
        }
    }
}
