// Blob cache: totals, hit rate, evictions by phase over time, the entries,
// and manual eviction.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Item {
    id: page
    readonly property var cache: Monitor.blobCache
    readonly property var columns: [
        { role: "blobId", title: qsTr("Blob"), width: 0.44, mono: true, elide: Text.ElideMiddle },
        { role: "size", title: qsTr("Size"), width: 0.14, format: v => Format.bytes(v) },
        { role: "ageSeconds", title: qsTr("Age"), width: 0.14, format: v => Format.duration(v) },
        { role: "idleSeconds", title: qsTr("Last access"), width: 0.16, format: v => qsTr("%1 ago").arg(Format.duration(v)) },
        { role: "hits", title: qsTr("Hits"), width: 0.1 }
    ]
    readonly property var selected: table.selected

    FilterSortModel { id: sorted; source: Monitor.blobCache }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 20
        spacing: 12

        PageHeader {
            Layout.fillWidth: true
            title: qsTr("Blob cache")
            subtitle: qsTr("%1 eviction runs").arg(page.cache.evictionRuns)
            Button {
                objectName: "evictButton"
                text: qsTr("Evict selected")
                enabled: !!page.selected
                onClicked: Monitor.actions.evictBlob(page.selected.blobId)
            }
            Button {
                objectName: "runEvictionButton"
                text: qsTr("Run eviction now")
                onClicked: Monitor.actions.evictBlob("")
            }
        }

        GridLayout {
            Layout.fillWidth: true
            columns: 5
            columnSpacing: 12
            StatTile { objectName: "cacheEntriesTile"; Layout.fillWidth: true; label: qsTr("Entries"); value: page.cache.entries }
            StatTile { Layout.fillWidth: true; label: qsTr("Bytes"); value: Format.bytes(page.cache.bytes) }
            StatTile {
                Layout.fillWidth: true
                label: qsTr("Hit rate")
                value: page.cache.hitRate < 0 ? "–" : (page.cache.hitRate * 100).toFixed(1) + " %"
                detail: qsTr("%1 hits · %2 misses").arg(page.cache.hits).arg(page.cache.misses)
            }
            StatTile {
                Layout.fillWidth: true
                label: qsTr("Evicted by phase")
                value: page.cache.evictedIdle + " / " + page.cache.evictedCount + " / " + page.cache.evictedBytes
                detail: qsTr("idle / count / bytes")
            }
            StatTile { Layout.fillWidth: true; label: qsTr("Evicted by hand"); value: page.cache.evictedManual }
        }

        Card {
            title: qsTr("Evictions over time (cumulative)")
            Layout.fillWidth: true
            Layout.preferredHeight: 170
            headerExtra: RangeSelector {
                onSecondsChanged: {
                    Monitor.evictedIdle.rangeSeconds = seconds
                    Monitor.evictedCount.rangeSeconds = seconds
                    Monitor.evictedBytes.rangeSeconds = seconds
                }
            }
            RowLayout {
                anchors.fill: parent
                spacing: 12
                SparkCard { objectName: "evictedIdleSpark"; Layout.fillWidth: true; Layout.fillHeight: true; label: qsTr("Idle"); unit: ""; series: Monitor.evictedIdle; lineColor: Theme.accent }
                SparkCard { Layout.fillWidth: true; Layout.fillHeight: true; label: qsTr("Over count"); unit: ""; series: Monitor.evictedCount; lineColor: Theme.remote }
                SparkCard { Layout.fillWidth: true; Layout.fillHeight: true; label: qsTr("Over bytes"); unit: ""; series: Monitor.evictedBytes; lineColor: Theme.warn }
            }
        }

        DataTable {
            id: table
            objectName: "blobTable"
            Layout.fillWidth: true
            Layout.fillHeight: true
            columns: page.columns
            model: sorted
            rowObjectName: "blobRow"
            emptyText: qsTr("The cache is empty")
        }
    }
}
