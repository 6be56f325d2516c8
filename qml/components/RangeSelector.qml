// A row of toggle buttons choosing a time range in seconds.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

RowLayout {
    id: sel
    property var options: [ { label: "1 min", seconds: 60 }, { label: "5 min", seconds: 300 }, { label: "1 h", seconds: 3600 } ]
    property int seconds: 60
    spacing: 0
    ButtonGroup { id: group }
    Repeater {
        model: sel.options
        delegate: Button {
            required property var modelData
            objectName: sel.objectName + "_" + modelData.seconds
            text: modelData.label
            checkable: true
            checked: sel.seconds === modelData.seconds
            ButtonGroup.group: group
            flat: !checked
            onClicked: sel.seconds = modelData.seconds
        }
    }
}
