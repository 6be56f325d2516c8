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
            subtitle: qsTr("%1 samples in the window · log-scale buckets").arg(Number(Monitor.latency.totalSamples).toLocaleString(Qt.locale(), "f", 0))
            RangeSelector {
                id: windowSel
                objectName: "windowSelector"
                options: [ { label: "10 s", seconds: 10 }, { label: "1 min", seconds: 60 },
                           { label: "5 min", seconds: 300 }, { label: qsTr("all"), seconds: 0 } ]
                seconds: Monitor.latency.windowSeconds
                onSecondsChanged: Monitor.latency.windowSeconds = seconds
            }
        }

        GridView {
            id: grid
            objectName: "latencyGrid"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: Monitor.latency
            readonly property int columns: Math.max(1, Math.floor(width / 420))
            cellWidth: Math.floor(width / columns)
            cellHeight: 230
            activeFocusOnTab: true
            keyNavigationEnabled: true
            ScrollBar.vertical: ScrollBar {}
            delegate: HistogramCard {
                width: grid.cellWidth - 12
                height: grid.cellHeight - 12
            }
        }
    }
}
