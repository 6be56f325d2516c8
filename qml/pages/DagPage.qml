// DAG: the live causal graph of one context. Drag to pan, wheel to zoom,
// click a delta for its details; "Follow heads" keeps the newest in view.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Item {
    id: page
    property bool active: false
    property var details: graph.selectedRow >= 0 ? Monitor.dag.details(graph.selectedRow) : null

    Binding { target: Monitor; property: "dagActive"; value: page.active }
    Binding {
        target: Monitor
        property: "dagContext"
        value: contextBox.currentIndex >= 0 ? contextBox.currentValue : ""
        when: contextBox.count > 0
    }
    // Pick the selected context of the Contexts page, else the first one.
    Connections {
        target: Monitor.contexts
        function onCountChanged() { if (contextBox.currentIndex < 0 && contextBox.count > 0) contextBox.currentIndex = 0 }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 20
        spacing: 12

        PageHeader {
            Layout.fillWidth: true
            title: qsTr("DAG")
            subtitle: Monitor.dag.count > 0
                      ? qsTr("%1 deltas · %2 heads · %3 lanes · %4 generations").arg(Monitor.dag.count).arg(Monitor.dag.headCount)
                            .arg(Monitor.dag.laneCount).arg(Monitor.dag.maxGeneration)
                      : qsTr("Choose a context")
            ComboBox {
                id: contextBox
                objectName: "dagContextCombo"
                Layout.preferredWidth: 240
                model: Monitor.contexts
                textRole: "name"
                valueRole: "contextId"
                Component.onCompleted: if (count > 0 && currentIndex < 0) currentIndex = 0
            }
            Switch {
                id: follow
                objectName: "followHeadsSwitch"
                text: qsTr("Follow heads")
                checked: graph.followHeads
                onToggled: graph.followHeads = checked
            }
            Button { implicitWidth: 36; text: "−"; onClicked: graph.zoomAt(1 / 1.25, Qt.point(graph.width / 2, graph.height / 2)); ToolTip.text: qsTr("Zoom out (−)"); ToolTip.visible: hovered }
            Button { implicitWidth: 36; text: "+"; onClicked: graph.zoomAt(1.25, Qt.point(graph.width / 2, graph.height / 2)); ToolTip.text: qsTr("Zoom in (+)"); ToolTip.visible: hovered }
        }

        RowLayout {
            spacing: 16
            Repeater {
                model: [ { label: qsTr("local"), color: Theme.local }, { label: qsTr("remote"), color: Theme.remote },
                         { label: qsTr("pending"), color: Theme.pending }, { label: qsTr("head"), color: Theme.head } ]
                delegate: RowLayout {
                    required property var modelData
                    spacing: 6
                    Rectangle { width: 12; height: 12; radius: 6; color: modelData.color }
                    Label { text: modelData.label; color: Theme.mutedText }
                }
            }
            Item { Layout.fillWidth: true }
            BusyIndicator { running: Monitor.dagLoading; visible: running; Layout.preferredHeight: 24; Layout.preferredWidth: 24 }
            Label { text: qsTr("%1 drawn").arg(graph.visibleNodeCount); color: Theme.mutedText }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 12

            Rectangle {
                Layout.fillWidth: true
                Layout.fillHeight: true
                color: Theme.panel
                border.color: graph.activeFocus ? Theme.accent : Theme.border
                radius: 6
                clip: true
                DagGraphItem {
                    id: graph
                    objectName: "dagGraph"
                    anchors.fill: parent
                    anchors.margins: 1
                    model: Monitor.dag
                    activeFocusOnTab: true
                    localColor: Theme.local
                    remoteColor: Theme.remote
                    pendingColor: Theme.pending
                    headColor: Theme.head
                    edgeColor: Theme.dark ? "#5b616b" : "#a6adb8"
                    selectionColor: Theme.text
                    onDeltaClicked: row => { selectedRow = row; forceActiveFocus() }
                }
                Label {
                    anchors.centerIn: parent
                    visible: graph.nodeCount === 0
                    text: Monitor.contexts.count === 0 ? qsTr("No contexts yet") : qsTr("No deltas to show")
                    color: Theme.mutedText
                }
            }

            DeltaDetails {
                objectName: "deltaDetails"
                Layout.preferredWidth: 340
                Layout.fillHeight: true
                visible: !!page.details
                details: page.details
                onClose: graph.selectedRow = -1
            }
        }
    }
}
