// A rate with its sparkline (tx/s, deltas/s, traffic).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Rectangle {
    id: card
    property string label
    property var series            // a ThroughputSeries
    property string unit: "/s"
    property color lineColor: Theme.accent
    property alias sparkline: spark
    color: Theme.panel
    radius: 6
    border.color: Theme.border
    implicitHeight: 120
    implicitWidth: 260

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 4
        RowLayout {
            Label { text: card.label; color: Theme.mutedText; font.pixelSize: 12; Layout.fillWidth: true }
            Label {
                text: card.series ? Number(card.series.current).toLocaleString(Qt.locale(), "f", card.series.current < 10 ? 1 : 0) + " " + card.unit : "–"
                font.bold: true
                color: Theme.text
            }
        }
        SparklineItem {
            id: spark
            objectName: card.objectName + "_line"
            Layout.fillWidth: true
            Layout.fillHeight: true
            values: card.series ? card.series.values : []
            maxValue: card.series ? Math.max(1, card.series.maxValue * 1.15) : 1
            lineColor: card.lineColor
            fillColor: Qt.rgba(card.lineColor.r, card.lineColor.g, card.lineColor.b, 0.18)
        }
    }
}
