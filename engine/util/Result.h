#pragma once
// Result<T>: a value or an error with a readable message. The engine reports
// every failure this way (no exceptions across module boundaries), so callers
// always have a message they can show a person.
#include "util/ErrorCode.h"
#include <QString>
#include <optional>
#include <utility>
#include <variant>

namespace dn {

struct Error {
    ErrorCode code = ErrorCode::Internal;  // what kind of failure (util/ErrorCode.h)
    QString message;                       // one readable sentence

    static Error of(ErrorCode code, QString message) { return Error{code, std::move(message)}; }
    // The stable string clients and peers see, e.g. "context_not_found".
    QLatin1String wire() const { return wireName(code); }
};

// The frequent errors, so that their sentence is written once. `Id` is any
// id type with toBase58() (Hash32).
namespace errors {
template <typename Id>
Error contextNotFound(const Id &contextId) {
    return {ErrorCode::ContextNotFound, QStringLiteral("no context %1").arg(contextId.toBase58())};
}
template <typename Id>
Error appNotFound(const Id &appId) {
    return {ErrorCode::AppNotFound, QStringLiteral("application %1 is not installed").arg(appId.toBase58())};
}
template <typename Id>
Error blobNotFound(const Id &blobId) {
    return {ErrorCode::BlobNotFound, QStringLiteral("blob %1 does not exist").arg(blobId.toBase58())};
}
}  // namespace errors

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error e) : v_(std::move(e)) {}
    static Result failure(ErrorCode code, QString message) { return Error{code, std::move(message)}; }

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T &value() { return std::get<0>(v_); }
    const T &value() const { return std::get<0>(v_); }
    T &operator*() { return value(); }
    const T &operator*() const { return value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    const Error &error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error e) : e_(std::move(e)) {}
    static Result failure(ErrorCode code, QString message) { return Error{code, std::move(message)}; }
    bool ok() const { return !e_; }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *e_; }

private:
    std::optional<Error> e_;
};

}  // namespace dn
