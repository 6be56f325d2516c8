// A list that keeps its newest (last) row in view as rows arrive, unless
// the user scrolled up to read; a line says when it is empty. Log lines and
// context events both read this way.
import QtQuick
import QtQuick.Controls
import DeltaNode

ListView {
    id: list
    property string emptyText
    property bool atEnd: true
    clip: true
    activeFocusOnTab: true
    onMovementEnded: atEnd = atYEnd
    onCountChanged: if (atEnd) positionViewAtEnd()
    ScrollBar.vertical: ScrollBar {}

    Label {
        anchors.centerIn: parent
        visible: list.count === 0
        text: list.emptyText
        color: Theme.mutedText
    }
}
