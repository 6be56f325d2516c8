// Overview: who this node is, how to reach it, and how busy it is.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

ScrollView {
    id: page
    contentWidth: availableWidth
    clip: true

    ColumnLayout {
        width: page.availableWidth
        spacing: 16

        PageHeader {
            Layout.fillWidth: true
            Layout.margins: 20
            Layout.bottomMargin: 0
            title: qsTr("Overview")
            subtitle: Monitor.ready ? qsTr("deltanode %1 · up %2").arg(Monitor.version).arg(Format.duration(Monitor.uptimeSeconds))
                                    : qsTr("Starting the node…")
        }

        Card {
            title: qsTr("Identity")
            Layout.fillWidth: true
            Layout.leftMargin: 20
            Layout.rightMargin: 20
            GridLayout {
                width: parent.width
                columns: 2
                columnSpacing: 12
                rowSpacing: 8
                Label { text: qsTr("Peer id"); color: Theme.mutedText }
                CopyField {
                    Layout.fillWidth: true
                    text: Monitor.peerId
                    fieldObjectName: "peerIdField"
                    buttonObjectName: "copyPeerIdButton"
                }
                Label { text: qsTr("API"); color: Theme.mutedText }
                CopyField {
                    Layout.fillWidth: true
                    text: Monitor.apiUrl
                    fieldObjectName: "apiUrlField"
                    buttonObjectName: "copyApiUrlButton"
                }
                Label { text: qsTr("Addresses"); color: Theme.mutedText; Layout.alignment: Qt.AlignTop }
                Label {
                    objectName: "addressesText"
                    Layout.fillWidth: true
                    text: Monitor.addresses.length ? Monitor.addresses.join("\n") : qsTr("not listening for peers")
                    font.family: Theme.monoFont
                    font.pixelSize: 12
                    color: Monitor.addresses.length ? Theme.text : Theme.mutedText
                    wrapMode: Text.WrapAnywhere
                }
            }
        }

        GridLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 20
            Layout.rightMargin: 20
            columns: Math.max(2, Math.floor(width / 190))
            columnSpacing: 12
            rowSpacing: 12
            StatTile { objectName: "uptimeTile"; Layout.fillWidth: true; label: qsTr("Uptime"); value: Format.duration(Monitor.uptimeSeconds) }
            StatTile { objectName: "contextsTile"; Layout.fillWidth: true; label: qsTr("Contexts"); value: Monitor.contextCount; detail: Monitor.appCount === 1 ? qsTr("1 app installed") : qsTr("%1 apps installed").arg(Monitor.appCount) }
            StatTile { objectName: "peersTile"; Layout.fillWidth: true; label: qsTr("Peers"); value: Monitor.peerCount }
            StatTile { objectName: "appliedTile"; Layout.fillWidth: true; label: qsTr("Deltas applied"); value: Format.count(Monitor.deltasApplied) }
            StatTile {
                objectName: "pendingTile"; Layout.fillWidth: true; label: qsTr("Deltas pending")
                value: Format.count(Monitor.deltasPending)
                valueColor: Monitor.deltasPending > 0 ? Theme.warn : Theme.text
            }
            StatTile {
                objectName: "transactionsTile"; Layout.fillWidth: true; label: qsTr("Transactions")
                value: Format.count(Monitor.transactions)
                detail: Monitor.failedCalls > 0 ? qsTr("%1 failed calls").arg(Monitor.failedCalls) : ""
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 20
            Layout.rightMargin: 20
            spacing: 12
            SparkCard {
                objectName: "txSpark"
                Layout.fillWidth: true
                Layout.preferredHeight: 180
                label: qsTr("Transactions per second")
                unit: qsTr("tx/s")
                series: Monitor.txRate
                lineColor: Theme.accent
            }
            SparkCard {
                objectName: "deltaSpark"
                Layout.fillWidth: true
                Layout.preferredHeight: 180
                label: qsTr("Deltas applied per second")
                unit: qsTr("deltas/s")
                series: Monitor.deltaRate
                lineColor: Theme.remote
            }
        }

        Card {
            title: qsTr("Recent errors")
            Layout.fillWidth: true
            Layout.leftMargin: 20
            Layout.rightMargin: 20
            Layout.bottomMargin: 20
            ColumnLayout {
                width: parent.width
                spacing: 4
                Label {
                    visible: Monitor.recentErrors.length === 0
                    text: qsTr("No warnings or errors.")
                    color: Theme.mutedText
                }
                Repeater {
                    objectName: "recentErrorsList"
                    model: Monitor.recentErrors
                    delegate: RowLayout {
                        required property var modelData
                        Layout.fillWidth: true
                        spacing: 8
                        Label { text: modelData.time; color: Theme.mutedText; font.family: Theme.monoFont; font.pixelSize: 12 }
                        Label {
                            text: modelData.level
                            color: modelData.level === "error" ? Theme.bad : Theme.warn
                            font.pixelSize: 12
                            Layout.preferredWidth: 56
                        }
                        Label {
                            text: modelData.message
                            color: Theme.text
                            elide: Text.ElideRight
                            Layout.fillWidth: true
                            font.pixelSize: 12
                        }
                    }
                }
            }
        }
    }
}
