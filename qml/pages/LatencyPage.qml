// Latency per pipeline phase: a log-scale histogram each, with p50/p90/p99,
// over the chosen window.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Item {
    id: page
    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 20
        spacing: 12

        PageHeader {
            Layout.fillWidth: true
            title: qsTr("Latency")
            subtitle: qsTr("%1 samples in the window · log-scale buckets").arg(Format.count(Monitor.latency.totalSamples))
            RangeSelector {
                id: windowSel
                objectName: "windowSelector"
                options: [ { label: "10 s", seconds: 10 }, { label: "1 min", seconds: 60 },
                           { label: "5 min", seconds: 300 }, { label: qsTr("all"), seconds: 0 } ]
                seconds: Monitor.latency.windowSeconds
                onSecondsChanged: Monitor.latency.windowSeconds = seconds
            }
        }

        ScrollView {
            id: scroll
            Layout.fillWidth: true
            Layout.fillHeight: true
            contentWidth: availableWidth
            clip: true
            // Seven phases: all of them exist at once (a grid, not a view
            // that creates only what is visible), filling the page when they fit.
            Grid {
                id: grid
                objectName: "latencyGrid"
                width: scroll.availableWidth
                columns: Math.max(1, Math.min(3, Math.floor(width / 380)))
                spacing: 12
                readonly property int rows: Math.ceil(Monitor.latency.count / columns)
                readonly property real cellWidth: (width - (columns - 1) * spacing) / columns
                readonly property real cellHeight: Math.max(200, (scroll.availableHeight - (rows - 1) * spacing) / rows)
                Repeater {
                    model: Monitor.latency
                    delegate: HistogramCard {
                        width: grid.cellWidth
                        height: grid.cellHeight
                    }
                }
            }
        }
    }
}
