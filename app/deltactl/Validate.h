#pragma once
// Local argument checks, so that a typo gets a precise message before any
// request is made, and so that nothing but a well-formed id is ever put into a
// URL path (an id like "../../etc/passwd" never leaves deltactl).
#include <QJsonValue>
#include <QString>
#include <optional>

namespace dn::ctl {

// Context, application and blob ids are base58 (Bitcoin alphabet) of 32 bytes.
// On failure returns the readable reason, e.g. "'0x12' is not a base58 id".
std::optional<QString> checkId(const QString &what, const QString &text);

// Invitations are "dn1" + base58 and at most 8 KiB.
std::optional<QString> checkInvitation(const QString &text);

// Parses any JSON text (object, array or scalar). nullopt + reason on error.
struct JsonParse {
    std::optional<QJsonValue> value;
    QString error;
};
JsonParse parseJsonText(const QByteArray &text);

// A non-negative integer option ("--count 5"); nullopt when not a number.
std::optional<qint64> parseCount(const QString &text);

}  // namespace dn::ctl
