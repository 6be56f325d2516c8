// New context: pick a bundled sample app, an installed app, or a .wasm file.
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import DeltaNode

Dialog {
    id: dialog
    title: qsTr("New context")
    modal: true
    padding: 18
    anchors.centerIn: Overlay.overlay
    width: Math.min(520, parent ? parent.width - 80 : 520)
    closePolicy: Popup.CloseOnEscape
    property int requestId: 0
    property string error
    property string chosenFile

    // Bundled apps first, then installed ones not bundled, then "a file…".
    readonly property var choices: {
        const out = []
        for (const b of Monitor.bundledApps) out.push({ label: qsTr("%1 (sample)").arg(b.name), source: b.name })
        for (const a of Monitor.apps) out.push({ label: qsTr("%1 (installed, %2…)").arg(a.name).arg(a.id.slice(0, 8)), source: a.id })
        out.push({ label: qsTr("A .wasm file…"), source: "file" })
        return out
    }
    readonly property string source: {
        const c = choices[app.currentIndex]
        if (!c) return ""
        return c.source === "file" ? chosenFile : c.source
    }

    onOpened: { error = ""; name.forceActiveFocus() }

    Connections {
        target: Monitor.actions
        function onFinished(requestId, operation, ok, message, result) {
            if (requestId !== dialog.requestId) return
            dialog.requestId = 0
            if (ok) dialog.close()
            else dialog.error = message
        }
    }

    FileDialog {
        id: files
        title: qsTr("Choose a WebAssembly app")
        nameFilters: [qsTr("WebAssembly modules (*.wasm)")]
        onAccepted: dialog.chosenFile = selectedFile.toString()
    }

    GridLayout {
        width: parent.width
        columns: 2
        columnSpacing: 10
        rowSpacing: 10
        Label { text: qsTr("App"); color: Theme.text }
        RowLayout {
            Layout.fillWidth: true
            ComboBox {
                id: app
                objectName: "appCombo"
                Layout.fillWidth: true
                model: dialog.choices
                textRole: "label"
                onActivated: if (dialog.choices[currentIndex].source === "file") files.open()
            }
        }
        Label { text: qsTr("File"); color: Theme.text; visible: fileRow.visible }
        RowLayout {
            id: fileRow
            visible: dialog.choices[app.currentIndex] && dialog.choices[app.currentIndex].source === "file"
            Layout.fillWidth: true
            Label { text: dialog.chosenFile || qsTr("none chosen"); elide: Text.ElideMiddle; Layout.fillWidth: true; color: Theme.mutedText }
            Button { text: qsTr("Browse…"); onClicked: files.open() }
        }
        Label { text: qsTr("Name"); color: Theme.text }
        TextField {
            id: name
            objectName: "contextNameField"
            Layout.fillWidth: true
            placeholderText: qsTr("e.g. shared notes")
        }
        Label { text: qsTr("Init args"); color: Theme.text }
        TextField {
            id: initArgs
            objectName: "initArgsField"
            Layout.fillWidth: true
            placeholderText: "{}"
            font.family: Theme.monoFont
        }
        Label {
            Layout.columnSpan: 2
            Layout.fillWidth: true
            objectName: "createError"
            text: dialog.error || Monitor.actions.jsonError(initArgs.text)
            visible: text.length > 0
            color: Theme.bad
            wrapMode: Text.Wrap
        }
        ProgressBar {
            Layout.columnSpan: 2
            Layout.fillWidth: true
            indeterminate: true
            visible: dialog.requestId !== 0
        }
    }

    footer: DialogButtonBox {
        Button {
            text: qsTr("Cancel")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
        Button {
            objectName: "createConfirmButton"
            text: qsTr("Create")
            enabled: dialog.source.length > 0 && dialog.requestId === 0 && Monitor.actions.jsonError(initArgs.text).length === 0
            onClicked: {
                dialog.error = ""
                dialog.requestId = Monitor.actions.createContext(dialog.source, name.text.trim(), initArgs.text)
            }
        }
    }
}
