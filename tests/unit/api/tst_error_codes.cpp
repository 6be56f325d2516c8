// The error-code table (util/ErrorCode.h) against itself and against
// docs/API.md: every code has a unique wire string that reads back to it,
// an HTTP status and a JSON-RPC code that the document promises, and a row
// in the document's table that says the same. Clients match these strings,
// so a code that drifts from the document fails here.
#include "api/ApiErrors.h"
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QtTest>

using namespace dn;

namespace {

struct DocRow {
    int http = 0;
    int jsonRpc = 0;
};

QString apiDoc() {
    QFile f(QStringLiteral(DN_SOURCE_DIR "/docs/API.md"));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QString::fromUtf8(f.readAll());
}

// The "### Error codes" table: | `code` | HTTP | JSON-RPC | meaning |
QHash<QString, DocRow> docTable(const QString &doc) {
    QHash<QString, DocRow> rows;
    static const QRegularExpression row(QStringLiteral(R"(^\| `([a-z_]+)` \| (\d{3}) \| (-\d+) \| .+\|$)"),
                                        QRegularExpression::MultilineOption);
    const qsizetype start = doc.indexOf(QLatin1String("### Error codes"));
    if (start < 0) return rows;
    auto it = row.globalMatch(doc.mid(start, doc.indexOf(QLatin1String("\n## "), start) - start));
    while (it.hasNext()) {
        const auto m = it.next();
        rows.insert(m.captured(1), DocRow{m.captured(2).toInt(), m.captured(3).toInt()});
    }
    return rows;
}

// The statuses the "## Errors" paragraph lists: "REST errors use the HTTP status (400 …, 500 …)".
QSet<int> documentedStatuses(const QString &doc) {
    QSet<int> out;
    const qsizetype start = doc.indexOf(QLatin1String("REST errors use the HTTP status ("));
    if (start < 0) return out;
    const QString list = doc.mid(start, doc.indexOf(QLatin1Char(')'), start) - start);
    static const QRegularExpression status(QStringLiteral(R"(\b([1-5]\d\d)\b)"));
    for (auto it = status.globalMatch(list); it.hasNext();) out.insert(it.next().captured(1).toInt());
    return out;
}

// The JSON-RPC codes the document's table of JSON-RPC errors lists: | -32001 | … |
QSet<int> documentedRpcCodes(const QString &doc) {
    QSet<int> out;
    static const QRegularExpression code(QStringLiteral(R"(^\| (-32\d\d\d) \|)"), QRegularExpression::MultilineOption);
    for (auto it = code.globalMatch(doc); it.hasNext();) out.insert(it.next().captured(1).toInt());
    return out;
}

}  // namespace

class TstErrorCodes : public QObject {
    Q_OBJECT

private slots:
    void wireStringsAreUniqueAndReadBack() {
        QSet<QString> seen;
        static const QRegularExpression snake(QStringLiteral("^[a-z]+(_[a-z]+)*$"));
        for (size_t i = 0; i < size_t(ErrorCode::count_); ++i) {
            const auto code = ErrorCode(i);
            const QString wire = wireName(code);
            QVERIFY2(snake.match(wire).hasMatch(), qPrintable(wire));
            QVERIFY2(!seen.contains(wire), qPrintable(QStringLiteral("%1 is used twice").arg(wire)));
            seen.insert(wire);
            QVERIFY2(errorCodeFromWire(wire) == code, qPrintable(wire));
            QCOMPARE(Error::of(code, QString()).wire(), wireName(code));
        }
        QVERIFY(!errorCodeFromWire(u"no_such_code"));
        QVERIFY(!errorCodeFromWire(u""));
    }

    void formerSynonymsReadAsTheirCode() {
        for (const ErrorCodeAlias &a : kErrorCodeAliases) {
            const QString alias = QLatin1String(a.wire);
            QVERIFY2(errorCodeFromWire(alias) == a.code, a.wire);
            QVERIFY2(alias != wireName(a.code), a.wire);
            for (const ErrorCodeInfo &i : kErrorCodes) QVERIFY2(alias != QLatin1String(i.wire), a.wire);
        }
        QVERIFY(errorCodeFromWire(u"unknown_context") == ErrorCode::ContextNotFound);
        QVERIFY(errorCodeFromWire(u"app_missing") == ErrorCode::AppNotFound);
        QVERIFY(errorCodeFromWire(u"bad_request") == ErrorCode::InvalidArgument);
    }

    void statusesAndRpcCodesAreDocumented() {
        const QString doc = apiDoc();
        QVERIFY2(!doc.isEmpty(), "docs/API.md is not readable");
        const QSet<int> statuses = documentedStatuses(doc);
        const QSet<int> rpcCodes = documentedRpcCodes(doc);
        QVERIFY(statuses.contains(400) && statuses.contains(500));
        QVERIFY(rpcCodes.contains(apierr::kCallFailed));
        for (const ErrorCodeInfo &i : kErrorCodes) {
            QVERIFY2(statuses.contains(i.httpStatus), i.wire);
            QVERIFY2(rpcCodes.contains(i.jsonRpc), i.wire);
            const Error e{i.code, QString()};
            QCOMPARE(apierr::httpStatus(e), i.httpStatus);
            QCOMPARE(apierr::jsonRpcCode(e), i.jsonRpc);
        }
    }

    void docsListEveryCodeAsTheTableSays() {
        const QString doc = apiDoc();
        const auto rows = docTable(doc);
        QCOMPARE(rows.size(), qsizetype(ErrorCode::count_));
        for (const ErrorCodeInfo &i : kErrorCodes) {
            const auto row = rows.constFind(QLatin1String(i.wire));
            QVERIFY2(row != rows.cend(), qPrintable(QStringLiteral("docs/API.md does not list %1").arg(i.wire)));
            QVERIFY2(row->http == i.httpStatus, i.wire);
            QVERIFY2(row->jsonRpc == i.jsonRpc, i.wire);
        }
        for (const ErrorCodeAlias &a : kErrorCodeAliases)
            QVERIFY2(doc.contains(QStringLiteral("`%1`").arg(QLatin1String(a.wire))), a.wire);
    }

    // What clients already rely on (docs/API.md, deltactl, the tests of the API).
    void publishedAnswersStay() {
        auto http = [](ErrorCode c) { return errorInfo(c).httpStatus; };
        auto rpc = [](ErrorCode c) { return errorInfo(c).jsonRpc; };
        QCOMPARE(wireName(ErrorCode::ContextNotFound), QLatin1String("context_not_found"));
        QCOMPARE(http(ErrorCode::ContextNotFound), 404);
        QCOMPARE(rpc(ErrorCode::ContextNotFound), -32001);
        QCOMPARE(rpc(ErrorCode::MethodNotFound), -32002);
        QCOMPARE(rpc(ErrorCode::Trap), -32003);
        QCOMPARE(rpc(ErrorCode::AppError), -32004);
        QCOMPARE(rpc(ErrorCode::StorageError), -32603);
        QCOMPARE(http(ErrorCode::AppNotFound), 404);
        QCOMPARE(http(ErrorCode::AlreadyMember), 409);
        QCOMPARE(http(ErrorCode::TooLarge), 413);
        QCOMPARE(http(ErrorCode::Internal), 500);
        QCOMPARE(http(ErrorCode::InvalidInvitation), 400);
    }
};

QTEST_GUILESS_MAIN(TstErrorCodes)
#include "tst_error_codes.moc"
