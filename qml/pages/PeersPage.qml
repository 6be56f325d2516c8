// Peers: the connected peers in a sortable table, their traffic over time,
// and disconnect/block for the selected one.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Item {
    id: page
    readonly property var columns: [
        { role: "peerId", title: qsTr("Peer"), width: 0.21 },
        { role: "address", title: qsTr("Address"), width: 0.2 },
        { role: "direction", title: qsTr("Direction"), width: 0.08 },
        { role: "rttMs", title: qsTr("RTT"), width: 0.07 },
        { role: "protocols", title: qsTr("Protocols"), width: 0.18 },
        { role: "topics", title: qsTr("Mesh topics"), width: 0.12 },
        { role: "bytesIn", title: qsTr("In"), width: 0.07 },
        { role: "bytesOut", title: qsTr("Out"), width: 0.07 }
    ]
    property var selected: table.currentIndex >= 0 ? sorted.get(table.currentIndex) : null

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

        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            color: Theme.panel
            border.color: Theme.border
            radius: 6
            ColumnLayout {
                anchors.fill: parent
                anchors.margins: 8
                spacing: 2
                TableHeader { Layout.fillWidth: true; columns: page.columns; proxy: sorted }
                ListView {
                    id: table
                    objectName: "peersTable"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: sorted
                    currentIndex: -1
                    activeFocusOnTab: true
                    keyNavigationEnabled: true
                    ScrollBar.vertical: ScrollBar {}
                    delegate: ItemDelegate {
                        id: row
                        required property int index
                        required property string peerId
                        required property string address
                        required property string direction
                        required property double rttMs
                        required property string protocols
                        required property string topics
                        required property double bytesIn
                        required property double bytesOut
                        objectName: "peerRow"
                        width: ListView.view.width
                        height: 30
                        highlighted: ListView.isCurrentItem
                        onClicked: { table.currentIndex = index; table.forceActiveFocus() }
                        background: Rectangle { color: row.highlighted ? Theme.panelAlt : (row.index % 2 ? Qt.rgba(0, 0, 0, 0.02) : "transparent") }
                        contentItem: Row {
                            leftPadding: 8
                            Repeater {
                                model: [ row.peerId, row.address, row.direction, row.rttMs >= 0 ? row.rttMs.toFixed(1) + " ms" : "–",
                                         row.protocols, row.topics, Format.bytes(row.bytesIn), Format.bytes(row.bytesOut) ]
                                delegate: Label {
                                    required property int index
                                    required property string modelData
                                    width: (table.width - 16) * page.columns[index].width
                                    rightPadding: 8
                                    text: modelData
                                    elide: index === 0 ? Text.ElideMiddle : Text.ElideRight
                                    font.family: index <= 1 ? Theme.monoFont : Qt.application.font.family
                                    font.pixelSize: 12
                                    color: Theme.text
                                    verticalAlignment: Text.AlignVCenter
                                    height: 30
                                }
                            }
                        }
                    }
                    Label {
                        anchors.centerIn: parent
                        visible: table.count === 0
                        text: qsTr("No peers connected")
                        color: Theme.mutedText
                    }
                }
            }
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
