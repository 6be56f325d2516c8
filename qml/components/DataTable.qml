// A list as a sortable table in a panel (Peers, Blob cache): column headers
// that sort (TableHeader), one row per item with a cell per column, a
// selection by click or keys, and a line for when there are no rows.
// columns: [{ role, title, width (≤ 1: a fraction), format (optional: the
// role's value → text), mono (optional: in the monospace font), elide
// (optional, default Text.ElideRight) }].
// The table's objectName names it for tests: currentIndex and count are the
// list's.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Rectangle {
    id: table
    property var columns: []
    property var model                  // a FilterSortModel
    property string rowObjectName
    property string emptyText
    property alias currentIndex: list.currentIndex
    readonly property alias count: list.count
    // The selected row as {role: value} (a copy), or null.
    readonly property var selected: list.currentIndex >= 0 && model ? model.get(list.currentIndex) : null
    color: Theme.panel
    border.color: Theme.border
    radius: 6

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 8
        spacing: 2
        TableHeader { id: header; Layout.fillWidth: true; columns: table.columns; proxy: table.model }
        ListView {
            id: list
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: table.model
            currentIndex: -1
            activeFocusOnTab: true
            keyNavigationEnabled: true
            ScrollBar.vertical: ScrollBar {}
            delegate: ItemDelegate {
                id: row
                required property int index
                required property var model
                objectName: table.rowObjectName
                width: ListView.view.width
                height: 30
                // The cells start where the header's do.
                padding: 0
                highlighted: ListView.isCurrentItem
                onClicked: { list.currentIndex = index; list.forceActiveFocus() }
                background: Rectangle { color: row.highlighted ? Theme.panelAlt : (row.index % 2 ? Qt.rgba(0, 0, 0, 0.02) : "transparent") }
                contentItem: Row {
                    leftPadding: 8
                    Repeater {
                        model: table.columns
                        delegate: Label {
                            required property var modelData
                            readonly property var value: row.model[modelData.role]
                            width: header.columnWidth(modelData, list.width - 16)
                            height: 30
                            rightPadding: 8
                            text: modelData.format ? modelData.format(value) : value
                            elide: modelData.elide !== undefined ? modelData.elide : Text.ElideRight
                            font.family: modelData.mono ? Theme.monoFont : Qt.application.font.family
                            font.pixelSize: 12
                            color: Theme.text
                            verticalAlignment: Text.AlignVCenter
                        }
                    }
                }
            }
            Label {
                anchors.centerIn: parent
                visible: list.count === 0
                text: table.emptyText
                color: Theme.mutedText
            }
        }
    }
}
