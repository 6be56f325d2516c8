// A short message at the bottom of the window (errors stay longer).
import QtQuick
import QtQuick.Controls
import DeltaNode

Popup {
    id: toast
    property bool error: false
    property alias text: label.text
    x: (parent.width - width) / 2
    y: parent.height - height - 56
    width: Math.min(label.implicitWidth + 32, parent.width - 64)
    padding: 12
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
    background: Rectangle {
        radius: 6
        color: toast.error ? Theme.bad : Theme.panelAlt
        border.color: Theme.border
    }
    Label {
        id: label
        objectName: "toastText"
        width: parent.width
        wrapMode: Text.Wrap
        color: toast.error ? "white" : Theme.text
    }
    Timer { id: hide; interval: toast.error ? 6000 : 2500; onTriggered: toast.close() }
    function show(message, isError) {
        error = !!isError
        text = message
        open()
        hide.restart()
    }
}
