// Call a method of the selected context: method picker (the app's exports),
// JSON arguments checked as you type, then the output, logs and events.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeltaNode

ColumnLayout {
    id: panel
    property string contextId
    property int requestId: 0
    readonly property string argsError: Monitor.actions.jsonError(args.text)
    spacing: 8

    Connections {
        target: Monitor.actions
        function onFinished(requestId, operation, ok, message, result) {
            if (requestId !== panel.requestId) return
            panel.requestId = 0
            resultText.text = ok ? result.output : message
            resultText.color = ok ? Theme.text : Theme.bad
            logsText.text = ok ? (result.logs || []).join("\n") : ""
            const events = ok ? (result.events || []) : []
            eventsText.text = events.map(e => e.kind + " " + e.data).join("\n")
            metaText.text = ok ? qsTr("%1 · %2").arg(Format.micros(result.elapsedUs))
                                                .arg(result.deltaId ? qsTr("delta %1…").arg(result.deltaId.slice(0, 12)) : qsTr("no change"))
                               : qsTr("failed")
        }
    }

    RowLayout {
        Layout.fillWidth: true
        Label { text: qsTr("Method"); color: Theme.mutedText }
        ComboBox {
            id: method
            objectName: "methodCombo"
            Layout.preferredWidth: 200
            model: Monitor.methods
            textRole: "name"
            valueRole: "name"
        }
        Item { Layout.fillWidth: true }
        BusyIndicator {
            running: panel.requestId !== 0
            visible: running
            Layout.preferredHeight: 28
            Layout.preferredWidth: 28
        }
        Button {
            objectName: "callButton"
            text: qsTr("Call")
            highlighted: true
            enabled: panel.contextId.length > 0 && method.currentText.length > 0 && panel.argsError.length === 0 && panel.requestId === 0
            onClicked: panel.requestId = Monitor.actions.call(panel.contextId, method.currentText, args.text)
        }
    }

    Label { text: qsTr("Arguments (JSON)"); color: Theme.mutedText; font.pixelSize: 12 }
    ScrollView {
        Layout.fillWidth: true
        Layout.preferredHeight: 72
        TextArea {
            id: args
            objectName: "argsEditor"
            placeholderText: "{\"key\": \"greeting\", \"value\": \"hello\"}"
            font.family: Theme.monoFont
            font.pixelSize: 12
            wrapMode: TextEdit.Wrap
            selectByMouse: true
            KeyNavigation.priority: KeyNavigation.BeforeItem
            background: Rectangle {
                color: Theme.panelAlt
                radius: 4
                border.color: panel.argsError.length ? Theme.bad : (args.activeFocus ? Theme.accent : Theme.border)
            }
        }
    }
    Label {
        objectName: "argsError"
        text: panel.argsError
        visible: text.length > 0
        color: Theme.bad
        font.pixelSize: 12
    }

    RowLayout {
        Layout.fillWidth: true
        Label { text: qsTr("Result"); color: Theme.mutedText; font.pixelSize: 12 }
        Label { id: metaText; objectName: "callMeta"; color: Theme.mutedText; font.pixelSize: 12 }
    }
    ScrollView {
        Layout.fillWidth: true
        Layout.fillHeight: true
        Layout.minimumHeight: 60
        TextArea {
            id: resultText
            objectName: "callResult"
            readOnly: true
            selectByMouse: true
            wrapMode: TextEdit.WrapAnywhere
            font.family: Theme.monoFont
            font.pixelSize: 12
            placeholderText: qsTr("The method's output appears here.")
            background: Rectangle { color: Theme.panelAlt; radius: 4 }
        }
    }
    GridLayout {
        Layout.fillWidth: true
        columns: 2
        columnSpacing: 8
        Label { text: qsTr("Logs"); color: Theme.mutedText; font.pixelSize: 12; Layout.alignment: Qt.AlignTop }
        Label {
            id: logsText
            objectName: "callLogs"
            Layout.fillWidth: true
            text: ""
            color: Theme.text
            font.family: Theme.monoFont
            font.pixelSize: 12
            wrapMode: Text.WrapAnywhere
            maximumLineCount: 6
            elide: Text.ElideRight
        }
        Label { text: qsTr("Events"); color: Theme.mutedText; font.pixelSize: 12; Layout.alignment: Qt.AlignTop }
        Label {
            id: eventsText
            objectName: "callEvents"
            Layout.fillWidth: true
            color: Theme.text
            font.family: Theme.monoFont
            font.pixelSize: 12
            wrapMode: Text.WrapAnywhere
            maximumLineCount: 6
            elide: Text.ElideRight
        }
    }
}
