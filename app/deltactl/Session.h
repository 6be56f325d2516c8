#pragma once
// What every command gets: the parsed command line, the HTTP client bound to
// the node, and the helpers that turn a failed request into the right message
// and exit code (so every command reports errors the same way).
#include "ExitCode.h"
#include "HttpClient.h"

#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace dn::ctl {

class Session {
public:
    Session(const QCommandLineParser &parser, HttpClient &http, bool json)
        : parser_(parser), http_(http), json_(json) {}

    HttpClient &http() { return http_; }
    bool json() const { return json_; }
    bool isSet(const QString &option) const { return parser_.isSet(option); }
    QString value(const QString &option) const { return parser_.value(option); }

    // Prints "deltactl: <message>" on stderr; returns kUsage.
    int usage(const QString &message) const;
    // Reports a request that did not succeed: the node's readable message on
    // stderr (with --json also the error body on stdout, for scripts) and
    // the exit code — kUnreachable without an answer, kRefused otherwise.
    int fail(const HttpReply &reply) const;
    // A local failure after the request phase (file I/O, size mismatch).
    int failed(const QString &message) const;

    // The reply's JSON object when the request succeeded; otherwise reports
    // it (see fail) and stores the exit code in *rc.
    std::optional<QJsonObject> object(const HttpReply &reply, int *rc) const;

    // With --json: prints the body exactly as the node sent it and returns
    // true, so a command's table code runs only for people.
    bool printRawJson(const HttpReply &reply) const;

private:
    const QCommandLineParser &parser_;
    HttpClient &http_;
    bool json_;
};

}  // namespace dn::ctl
