// deltactl: drives a running deltanode over its HTTP API (docs/API.md).
// Global options select the node and the token; the first positional words
// select the command (see Commands.cpp). Exit codes: see ExitCode.h.
#include "Commands.h"
#include "ExitCode.h"
#include "HttpClient.h"
#include "Output.h"
#include "Session.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QUrl>

using namespace dn::ctl;

namespace {

QString commandHelp() {
    QString text = QStringLiteral("Drives a running deltanode over its HTTP API.\n\nCommands:\n");
    for (const Command &c : commands()) {
        const QString head = c.words.join(QLatin1Char(' ')) + (c.arguments.isEmpty() ? QString() : QStringLiteral(" ") + c.arguments);
        text += QStringLiteral("  %1  %2\n").arg(head.leftJustified(52), c.summary);
    }
    text += QStringLiteral(
        "\nThe token comes from --token, else --data-dir/--profile (<data dir>/api.token),\n"
        "else $DELTANODE_TOKEN, else the default profile's api.token.\n"
        "Exit codes: 0 ok, 1 the node refused or the operation failed, 2 usage error,\n"
        "3 the node cannot be reached.");
    return text;
}

QString profileDir(const QString &profile) {
    const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return QDir(base).filePath(QStringLiteral("deltanode/") + profile);
}

// The bearer token, by the precedence in commandHelp(). An explicitly named
// data dir or profile without a readable token file is an error; a missing
// default profile is not (health and metrics need no token).
bool resolveToken(const QCommandLineParser &p, QString *token, QString *error) {
    if (p.isSet(QStringLiteral("token"))) {
        *token = p.value(QStringLiteral("token"));
        return true;
    }
    QString dir;
    bool explicitDir = true;
    if (p.isSet(QStringLiteral("data-dir"))) {
        dir = p.value(QStringLiteral("data-dir"));
    } else if (p.isSet(QStringLiteral("profile"))) {
        const QString name = p.value(QStringLiteral("profile"));
        if (name.isEmpty() || name.contains(QLatin1Char('/')) || name == QLatin1String("..") || name == QLatin1String(".")) {
            *error = QStringLiteral("'%1' is not a profile name").arg(name);
            return false;
        }
        dir = profileDir(name);
    } else if (qEnvironmentVariableIsSet("DELTANODE_TOKEN")) {
        *token = qEnvironmentVariable("DELTANODE_TOKEN");
        return true;
    } else {
        dir = profileDir(QStringLiteral("default"));
        explicitDir = false;
    }
    QFile f(QDir(dir).filePath(QStringLiteral("api.token")));
    if (!f.open(QIODevice::ReadOnly)) {
        if (!explicitDir) return true;
        *error = QStringLiteral("cannot read the API token %1: %2").arg(f.fileName(), f.errorString());
        return false;
    }
    *token = QString::fromUtf8(f.read(4096)).trimmed();
    return true;
}

}  // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("deltactl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(DN_VERSION));

    QCommandLineParser p;
    p.setApplicationDescription(commandHelp());
    p.addPositionalArgument(QStringLiteral("command"), QStringLiteral("One of the commands above, with its arguments."),
                            QStringLiteral("COMMAND [ARGS...]"));
    const QCommandLineOption helpOption = p.addHelpOption();
    const QCommandLineOption versionOption = p.addVersionOption();
    const QString envUrl = qEnvironmentVariable("DELTANODE_URL");
    p.addOptions({
        {QStringLiteral("node"), QStringLiteral("Node API URL (default $DELTANODE_URL or http://127.0.0.1:2528)."), QStringLiteral("URL"),
         envUrl.isEmpty() ? QStringLiteral("http://127.0.0.1:2528") : envUrl},
        {QStringLiteral("token"), QStringLiteral("API bearer token (default $DELTANODE_TOKEN)."), QStringLiteral("T")},
        {QStringLiteral("data-dir"), QStringLiteral("Read the token from DIR/api.token."), QStringLiteral("DIR")},
        {QStringLiteral("profile"), QStringLiteral("Read the token from the profile's data dir."), QStringLiteral("NAME")},
        {QStringLiteral("json"), QStringLiteral("Machine-readable JSON output (fields as the API returns them).")},
        {QStringLiteral("timeout"), QStringLiteral("Seconds without an answer before giving up (default 30)."), QStringLiteral("SECONDS"),
         QStringLiteral("30")},
        {QStringLiteral("name"), QStringLiteral("app install, context create: a name."), QStringLiteral("N")},
        {QStringLiteral("init-args"), QStringLiteral("context create: JSON arguments for the app's init."), QStringLiteral("JSON")},
        {QStringLiteral("expires"), QStringLiteral("context invite: validity in seconds."), QStringLiteral("SECONDS")},
        {QStringLiteral("uses"), QStringLiteral("context invite: how many joins it admits (default 1)."), QStringLiteral("N")},
        {QStringLiteral("count"), QStringLiteral("watch: exit after N events."), QStringLiteral("N")},
        {QStringLiteral("prefix"), QStringLiteral("state: only keys with this prefix."), QStringLiteral("P")},
        {QStringLiteral("limit"), QStringLiteral("state: at most N entries."), QStringLiteral("N")},
    });

    if (!p.parse(QCoreApplication::arguments())) {
        printErr(QStringLiteral("deltactl: ") + p.errorText() + QStringLiteral(" (see deltactl --help)"));
        return kUsage;
    }
    if (p.isSet(helpOption)) {
        printOut(p.helpText().trimmed());
        return kOk;
    }
    if (p.isSet(versionOption)) {
        printOut(QStringLiteral("deltactl ") + QCoreApplication::applicationVersion());
        return kOk;
    }

    const QStringList positional = p.positionalArguments();
    if (positional.isEmpty()) {
        printErr(p.helpText().trimmed());
        return kUsage;
    }
    const Command *cmd = findCommand(positional);
    if (!cmd) {
        printErr(QStringLiteral("deltactl: unknown command '%1' (see deltactl --help)").arg(positional.mid(0, 2).join(QLatin1Char(' '))));
        return kUsage;
    }
    const QString cmdName = cmd->words.join(QLatin1Char(' '));
    static const QStringList kCommandOptions = {QStringLiteral("name"), QStringLiteral("init-args"), QStringLiteral("expires"), QStringLiteral("uses"),
                                                QStringLiteral("count"), QStringLiteral("prefix"), QStringLiteral("limit")};
    for (const QString &o : kCommandOptions) {
        if (p.isSet(o) && !cmd->options.contains(o)) {
            printErr(QStringLiteral("deltactl: '%1' does not take --%2").arg(cmdName, o));
            return kUsage;
        }
    }
    const QStringList args = positional.mid(cmd->words.size());
    if (args.size() < cmd->minArgs || args.size() > cmd->maxArgs) {
        printErr(QStringLiteral("deltactl: usage: deltactl %1 %2").arg(cmdName, cmd->arguments).trimmed());
        return kUsage;
    }

    const QUrl node(p.value(QStringLiteral("node")), QUrl::StrictMode);
    if (!node.isValid() || (node.scheme() != QLatin1String("http") && node.scheme() != QLatin1String("https")) || node.host().isEmpty()) {
        printErr(QStringLiteral("deltactl: '%1' is not an http(s) URL of a node").arg(p.value(QStringLiteral("node"))));
        return kUsage;
    }
    bool timeoutOk = false;
    const double timeout = p.value(QStringLiteral("timeout")).toDouble(&timeoutOk);
    if (!timeoutOk || timeout <= 0) {
        printErr(QStringLiteral("deltactl: --timeout needs a positive number of seconds"));
        return kUsage;
    }
    QString token, tokenError;
    if (!resolveToken(p, &token, &tokenError)) {
        printErr(QStringLiteral("deltactl: ") + tokenError);
        return kUsage;
    }

    HttpClient http(node, token, int(timeout * 1000));
    Session session(p, http, p.isSet(QStringLiteral("json")));
    return cmd->run(session, args);
}
