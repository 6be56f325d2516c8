#pragma once
// Everything deltactl prints goes through here: results to stdout, messages to
// stderr (so `--json` output stays machine-readable even when warnings occur).
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <vector>

namespace dn::ctl {

// One line (a newline is added) to stdout / stderr, UTF-8, flushed at once so
// that `watch` lines reach a pipe as they happen.
void printOut(const QString &line);
void printErr(const QString &line);
// Raw bytes to stdout, unchanged (metrics text, `--json` bodies).
void writeOut(const QByteArray &bytes);

// A JSON value as JSON text. QJsonDocument cannot hold a bare scalar, so
// scalars are formatted via a one-element array.
QString jsonText(const QJsonValue &v, bool indented = false);

// Text safe for a terminal: control characters (state keys may hold any
// bytes) shown as \xNN instead of being sent to the terminal raw.
QString printable(const QString &text);

// Human-friendly byte counts: "512 B", "1.5 KiB", "200.0 MiB".
QString humanBytes(qint64 bytes);

// A time the API reports (unix seconds or milliseconds, or already a string)
// as "yyyy-MM-dd HH:mm:ss" UTC.
QString timeText(const QJsonValue &v);

// A table with columns as wide as their widest cell, separated by two spaces.
class Table {
public:
    explicit Table(QStringList headers);
    void addRow(QStringList cells);
    bool empty() const { return rows_.empty(); }
    void print() const;

private:
    QStringList headers_;
    std::vector<QStringList> rows_;
};

}  // namespace dn::ctl
