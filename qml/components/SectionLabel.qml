import QtQuick
import QtQuick.Controls
import DeltaNode

Label {
    color: Theme.mutedText
    font.pixelSize: 12
    font.bold: true
    font.capitalization: Font.AllUppercase
}
