// A red line across the top of the window once the database has failed
// (ARCHITECTURE "Fail-stop storage"): the node stopped accepting changes and
// is shutting down. Hidden, and taking no space, while storage is healthy.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

ToolBar {
    id: banner
    objectName: "storageBanner"
    property string message
    visible: message.length > 0
    leftPadding: 16
    rightPadding: 16
    topPadding: 10
    bottomPadding: 10
    // White text needs a deep red: the dark theme's "bad" is a light one.
    background: Rectangle { color: Theme.dark ? Qt.darker(Theme.bad, 1.9) : Theme.bad }
    RowLayout {
        width: parent.width
        spacing: 12
        Label {
            text: "\u26A0"
            color: "white"
            font.pixelSize: 18
            Layout.alignment: Qt.AlignTop
        }
        Label {
            objectName: "storageBannerText"
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: "white"
            text: qsTr("<b>Storage failed:</b> %1. The node stopped accepting changes and is shutting down; your data up to the last acknowledged change is safe.")
                  .arg(banner.message.replace(/[.\s]+$/, "").replace(/&/g, "&amp;").replace(/</g, "&lt;"))
            textFormat: Text.StyledText
        }
    }
}
