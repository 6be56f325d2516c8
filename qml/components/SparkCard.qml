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
    // How the current value reads; default: a number and the unit.
    property var format: v => Number(v).toLocaleString(Qt.locale(), "f", v < 10 && v % 1 !== 0 ? 1 : 0) + (unit.length ? " " + unit : "")
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
                text: card.series ? card.format(card.series.current) : "–"
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
