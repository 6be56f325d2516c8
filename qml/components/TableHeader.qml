// Column headers of a list-as-table; clicking one sorts the proxy by it
// (again: reverses). columns: [{ role, title, width }] (width ≤ 1: a fraction).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

Rectangle {
    id: header
    property var columns: []
    property var proxy              // a FilterSortModel
    color: Theme.panelAlt
    implicitHeight: 32
    radius: 4

    function columnWidth(c, total) { return c.width <= 1 ? c.width * total : c.width }

    Row {
        anchors.fill: parent
        anchors.leftMargin: 8
        Repeater {
            model: header.columns
            delegate: AbstractButton {
                id: cell
                required property var modelData
                objectName: "sort_" + modelData.role
                width: header.columnWidth(modelData, header.width - 16)
                height: header.height
                activeFocusOnTab: true
                onClicked: header.proxy.sortBy(modelData.role)
                contentItem: Label {
                    text: cell.modelData.title + (header.proxy && header.proxy.sortRoleName === cell.modelData.role
                                                  ? (header.proxy.descending ? "  ▼" : "  ▲") : "")
                    font.bold: true
                    rightPadding: 8  // as the cells below: a gap before the next column's title
                    color: cell.activeFocus ? Theme.accent : Theme.mutedText
                    elide: Text.ElideRight
                    verticalAlignment: Text.AlignVCenter
                }
                background: Item {}
            }
        }
    }
}
