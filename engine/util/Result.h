#pragma once
// Result<T>: a value or an error with a readable message. The engine reports
// every failure this way (no exceptions across module boundaries), so callers
// always have a message they can show a person.
#include <QString>
#include <optional>
#include <utility>
#include <variant>

namespace dn {

struct Error {
    QString code;     // stable machine-readable kind, e.g. "not_found", "link_error"
    QString message;  // one readable sentence
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error e) : v_(std::move(e)) {}
    static Result failure(QString code, QString message) { return Error{std::move(code), std::move(message)}; }

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
    static Result failure(QString code, QString message) { return Error{std::move(code), std::move(message)}; }
    bool ok() const { return !e_; }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *e_; }

private:
    std::optional<Error> e_;
};

}  // namespace dn
