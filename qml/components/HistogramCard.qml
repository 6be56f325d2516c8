// One phase's histogram with its percentiles (a row of LatencyModel).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Rectangle {
    id: card
    required property string phase
    required property string label
    required property var buckets
    required property var bounds
    required property double p50
    required property double p90
    required property double p99
    required property double count
    color: Theme.panel
    border.color: Theme.border
    radius: 6

    function value(micros) { return card.count > 0 ? Format.micros(micros) : "–" }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 6
        RowLayout {
            Layout.fillWidth: true
            Label { text: card.label; font.bold: true; color: Theme.text; Layout.fillWidth: true }
            Label {
                text: card.count > 0 ? qsTr("%1 samples").arg(Format.count(card.count)) : qsTr("no samples")
                color: Theme.mutedText
                font.pixelSize: 12
            }
        }
        HistogramItem {
            id: hist
            objectName: "histogram_" + card.phase
            Layout.fillWidth: true
            Layout.fillHeight: true
            buckets: card.buckets
            bounds: card.bounds
            p50: card.p50
            p90: card.p90
            p99: card.p99
            barColor: Theme.accent
            markerColor: Theme.warn
            axisColor: Theme.mutedText
        }
        // The item leaves labels to QML: one per decade it reports.
        Item {
            Layout.fillWidth: true
            implicitHeight: 14
            visible: card.count > 0
            Repeater {
                model: hist.ticks
                delegate: Label {
                    required property double modelData
                    x: Math.max(0, Math.min(parent.width - width, (hist.width, hist.ticks, hist.positionFor(modelData).x) - width / 2))
                    text: Format.micros(modelData)
                    color: Theme.mutedText
                    font.pixelSize: 10
                }
            }
        }
        // Three fixed labels (not a Repeater over a fresh array per update,
        // which recreated them and let a frame show them stacked).
        RowLayout {
            spacing: 14
            Label { text: "p50 ─ " + card.value(card.p50); color: Theme.text; font.pixelSize: 12 }
            Label { text: "p90 ╌ " + card.value(card.p90); color: Theme.text; font.pixelSize: 12 }
            Label { text: "p99 ┈ " + card.value(card.p99); color: Theme.text; font.pixelSize: 12 }
        }
    }
}
