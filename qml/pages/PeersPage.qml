// Peers: the connected peers in a sortable table, their traffic over time,
// and disconnect/block for the selected one.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Item {
    id: page
    readonly property var columns: [
        { role: "peerId", title: qsTr("Peer"), width: 0.16, mono: true, elide: Text.ElideMiddle },
        { role: "address", title: qsTr("Address"), width: 0.14, mono: true },
        { role: "direction", title: qsTr("Direction"), width: 0.08 },
        { role: "rttMs", title: qsTr("RTT"), width: 0.07, format: v => v >= 0 ? v.toFixed(1) + " ms" : "–" },
        { role: "protocols", title: qsTr("Protocols"), width: 0.12 },
        { role: "topics", title: qsTr("Mesh topics"), width: 0.09 },
        { role: "scoreText", title: qsTr("Score"), width: 0.12 },
        { role: "bytesIn", title: qsTr("In"), width: 0.11, format: v => Format.bytes(v) },
        { role: "bytesOut", title: qsTr("Out"), width: 0.11, format: v => Format.bytes(v) }
    ]
    readonly property var selected: table.selected

    FilterSortModel {
        id: sorted
        objectName: "peersSorted"
        source: Monitor.peers
        sortRoleName: "bytesIn"
        descending: true
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 20
        spacing: 12

        PageHeader {
            Layout.fillWidth: true
            title: qsTr("Peers")
            subtitle: qsTr("%1 connected").arg(Monitor.peers.count)
            Button {
                objectName: "disconnectButton"
                text: qsTr("Disconnect")
                enabled: !!page.selected
                onClicked: Monitor.actions.disconnectPeer(page.selected.peerId)
            }
            Button {
                objectName: "blockButton"
                text: qsTr("Block")
                enabled: !!page.selected
                onClicked: Monitor.actions.blockPeer(page.selected.peerId)
            }
        }

        DataTable {
            id: table
            objectName: "peersTable"
            Layout.fillWidth: true
            Layout.fillHeight: true
            columns: page.columns
            model: sorted
            rowObjectName: "peerRow"
            emptyText: qsTr("No peers connected")
        }

        Card {
            title: qsTr("Traffic")
            Layout.fillWidth: true
            Layout.preferredHeight: 200
            headerExtra: RangeSelector {
                id: range
                objectName: "trafficRange"
                onSecondsChanged: { Monitor.trafficIn.rangeSeconds = seconds; Monitor.trafficOut.rangeSeconds = seconds }
            }
            RowLayout {
                anchors.fill: parent
                spacing: 12
                SparkCard {
                    objectName: "trafficIn"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    label: qsTr("Received")
                    format: v => Format.byteRate(v)
                    series: Monitor.trafficIn
                    lineColor: Theme.good
                }
                SparkCard {
                    objectName: "trafficOut"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    label: qsTr("Sent")
                    format: v => Format.byteRate(v)
                    series: Monitor.trafficOut
                    lineColor: Theme.accent
                }
            }
        }
    }
}
