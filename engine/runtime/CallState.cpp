#include "runtime/CallState.h"

namespace dn {
namespace {

// Strict UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF), as Rust's str
// validation in the reference runtime: what log_utf8 accepts there, we accept.
bool validUtf8(const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        const uint8_t c = s[i];
        if (c < 0x80) { ++i; continue; }
        size_t len;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
        else return false;
        if (n - i < len) return false;
        for (size_t k = 1; k < len; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        i += len;
    }
    return true;
}

QByteArray u64le(uint64_t v) {
    QByteArray b(8, Qt::Uninitialized);
    GuestMemory::putU64le(b.data(), v);
    return b;
}

}  // namespace

void CallState::begin(const CallInput &in, const RuntimeLimits &limits) {
    in_ = &in;
    limits_ = &limits;
    registers_.clear();
    overlay_.reset(in.storage);
    error_.reset();
    returnValue_.clear();
    appError_.reset();
    logs_.clear();
    events_.clear();
    writes_ = writtenBytes_ = 0;
}

bool CallState::fail(CallErrorKind kind, QString message) {
    if (!error_) error_ = CallError{kind, std::move(message)};
    return false;
}

void CallState::finish(CallOutcome &out) {
    out.logs = std::move(logs_);
    if (error_) {
        out.error = std::move(error_);
        return;  // actions, events, return value: nothing of a failed call survives
    }
    if (appError_) {
        out.error = CallError{CallErrorKind::AppError, QString::fromUtf8(*appError_)};
        out.returnValue = std::move(*appError_);
        return;
    }
    out.returnValue = std::move(returnValue_);
    out.events = std::move(events_);
    out.actions = overlay_.takeActions();
}

bool CallState::checkRange(const GuestMemory &m, uint64_t ptr, uint64_t len, const char *what) {
    if (m.contains(ptr, len)) return true;
    return fail(CallErrorKind::Trap, QStringLiteral("%1: memory access out of bounds (ptr %2, len %3, memory size %4)")
                                         .arg(QLatin1String(what)).arg(ptr).arg(len).arg(m.size));
}

bool CallState::readBuf(const GuestMemory &m, uint64_t descPtr, size_t limit, const char *what, GuestBuf &buf) {
    if (!checkRange(m, descPtr, 16, what)) return false;
    buf.ptr = GuestMemory::u64le(m.at(descPtr));
    buf.len = GuestMemory::u64le(m.at(descPtr + 8));
    if (buf.len > limit)
        return fail(CallErrorKind::LimitExceeded,
                    QStringLiteral("%1 is %2 bytes, the limit is %3").arg(QLatin1String(what)).arg(buf.len).arg(limit));
    return checkRange(m, buf.ptr, buf.len, what);
}

bool CallState::readKey(const GuestMemory &m, uint64_t keyPtr, QByteArray &key) {
    GuestBuf b;
    if (!readBuf(m, keyPtr, limits_->maxKey, "storage key", b)) return false;
    if (b.len > 0 && *m.at(b.ptr) == '\0')
        return fail(CallErrorKind::HostError, QStringLiteral("storage key is reserved for the node (starts with 0x00)"));
    key = bytes(m, b);
    return true;
}

bool CallState::setRegister(uint64_t reg, QByteArray value) {
    if (size_t(value.size()) > limits_->maxRegisterBytes)
        return fail(CallErrorKind::LimitExceeded, QStringLiteral("register %1 would hold %2 bytes, the limit is %3")
                                                      .arg(reg).arg(value.size()).arg(limits_->maxRegisterBytes));
    auto it = registers_.find(reg);
    if (it != registers_.end()) {
        it->second = std::move(value);
        return true;
    }
    if (registers_.size() >= limits_->maxRegisters)
        return fail(CallErrorKind::LimitExceeded,
                    QStringLiteral("more than %1 registers in use").arg(limits_->maxRegisters));
    registers_.emplace(reg, std::move(value));
    return true;
}

bool CallState::countWrite(size_t bytes) {
    ++writes_;
    writtenBytes_ += bytes;
    if (writes_ > limits_->maxWrites)
        return fail(CallErrorKind::LimitExceeded, QStringLiteral("more than %1 storage writes in one call").arg(limits_->maxWrites));
    if (writtenBytes_ > limits_->maxWrittenBytes)
        return fail(CallErrorKind::LimitExceeded,
                    QStringLiteral("more than %1 bytes written in one call").arg(limits_->maxWrittenBytes));
    return true;
}

// ---- registers, input, return, logs ----

bool CallState::registerLen(uint64_t reg, uint64_t &len) {
    auto it = registers_.find(reg);
    len = it == registers_.end() ? UINT64_MAX : uint64_t(it->second.size());
    return true;
}

bool CallState::readRegister(const GuestMemory &m, uint64_t reg, uint64_t bufPtr, uint32_t &ok) {
    auto it = registers_.find(reg);
    if (it == registers_.end())
        return fail(CallErrorKind::HostError, QStringLiteral("read_register: register %1 does not exist").arg(reg));
    if (!checkRange(m, bufPtr, 16, "read_register descriptor")) return false;
    const uint64_t ptr = GuestMemory::u64le(m.at(bufPtr)), len = GuestMemory::u64le(m.at(bufPtr + 8));
    if (len != uint64_t(it->second.size())) {
        ok = 0;
        return true;
    }
    if (!checkRange(m, ptr, len, "read_register buffer")) return false;
    if (len) memcpy(m.mutableAt(ptr), it->second.constData(), len);
    ok = 1;
    return true;
}

bool CallState::input(uint64_t reg) { return setRegister(reg, in_->input); }

bool CallState::valueReturn(const GuestMemory &m, uint64_t ptr) {
    if (!checkRange(m, ptr, 24, "value_return")) return false;
    const uint64_t tag = GuestMemory::u64le(m.at(ptr));
    if (tag > 1) return fail(CallErrorKind::HostError, QStringLiteral("value_return: invalid tag %1").arg(tag));
    GuestBuf b;
    if (!readBuf(m, ptr + 8, limits_->maxReturn, "return value", b)) return false;
    if (tag == 0) {
        returnValue_ = bytes(m, b);
        appError_.reset();
    } else {
        appError_ = bytes(m, b);
        returnValue_.clear();
    }
    return true;
}

bool CallState::logUtf8(const GuestMemory &m, uint64_t bufPtr) {
    GuestBuf b;
    if (!readBuf(m, bufPtr, limits_->maxLogLine, "log line", b)) return false;
    if (size_t(logs_.size()) >= limits_->maxLogLines)
        return fail(CallErrorKind::LimitExceeded, QStringLiteral("more than %1 log lines").arg(limits_->maxLogLines));
    if (!validUtf8(reinterpret_cast<const uint8_t *>(m.at(b.ptr)), b.len))
        return fail(CallErrorKind::Trap, QStringLiteral("log_utf8: invalid UTF-8"));
    logs_.append(QString::fromUtf8(m.at(b.ptr), qsizetype(b.len)));
    return true;
}

bool CallState::panicUtf8(const GuestMemory &m, uint64_t msgPtr, uint64_t locPtr) {
    GuestBuf msg, file;
    if (!readBuf(m, msgPtr, limits_->maxLogLine, "panic message", msg)) return false;
    if (!checkRange(m, locPtr, 24, "panic location")) return false;
    if (!readBuf(m, locPtr, limits_->maxLogLine, "panic location file", file)) return false;
    const uint32_t line = GuestMemory::u32le(m.at(locPtr + 16)), col = GuestMemory::u32le(m.at(locPtr + 20));
    return fail(CallErrorKind::Trap, QStringLiteral("panicked at %1:%2:%3: %4")
                                         .arg(QString::fromUtf8(m.at(file.ptr), qsizetype(file.len)))
                                         .arg(line)
                                         .arg(col)
                                         .arg(QString::fromUtf8(m.at(msg.ptr), qsizetype(msg.len))));
}

bool CallState::emitEvent(const GuestMemory &m, uint64_t eventPtr, const uint64_t *handlerPtr) {
    if (events_.size() >= limits_->maxEvents)
        return fail(CallErrorKind::LimitExceeded, QStringLiteral("more than %1 events").arg(limits_->maxEvents));
    if (!checkRange(m, eventPtr, 32, "event")) return false;
    GuestBuf kind, data, handler;
    if (!readBuf(m, eventPtr, limits_->maxEventKind, "event kind", kind)) return false;
    if (!readBuf(m, eventPtr + 16, limits_->maxEventData, "event data", data)) return false;
    Event ev{bytes(m, kind), bytes(m, data), {}};
    if (handlerPtr) {
        if (!readBuf(m, *handlerPtr, limits_->maxMethodName, "event handler name", handler)) return false;
        if (handler.len == 0) return fail(CallErrorKind::HostError, QStringLiteral("emit_with_handler: empty handler name"));
        ev.handler = bytes(m, handler);
    }
    events_.push_back(std::move(ev));
    return true;
}

// ---- storage ----

bool CallState::storageRead(const GuestMemory &m, uint64_t keyPtr, uint64_t reg, uint32_t &found) {
    QByteArray key;
    if (!readKey(m, keyPtr, key)) return false;
    std::optional<QByteArray> v = overlay_.read(key);
    found = v ? 1 : 0;
    return !v || setRegister(reg, std::move(*v));
}

bool CallState::storageWrite(const GuestMemory &m, uint64_t keyPtr, uint64_t valuePtr, uint64_t reg, uint32_t &existed) {
    QByteArray key;
    GuestBuf vb;
    if (!readKey(m, keyPtr, key) || !readBuf(m, valuePtr, limits_->maxValue, "storage value", vb)) return false;
    if (!countWrite(size_t(key.size()) + vb.len)) return false;
    std::optional<QByteArray> old = overlay_.write(key, bytes(m, vb));
    existed = old ? 1 : 0;
    return !old || setRegister(reg, std::move(*old));
}

bool CallState::storageRemove(const GuestMemory &m, uint64_t keyPtr, uint64_t reg, uint32_t &existed) {
    QByteArray key;
    if (!readKey(m, keyPtr, key) || !countWrite(size_t(key.size()))) return false;
    std::optional<QByteArray> old = overlay_.remove(key);
    existed = old ? 1 : 0;
    return !old || setRegister(reg, std::move(*old));
}

bool CallState::storageScan(const GuestMemory &m, uint64_t prefixPtr, uint64_t reg, uint64_t &count) {
    QByteArray prefix;
    if (!readKey(m, prefixPtr, prefix)) return false;
    // Encoded as (u32 LE klen, key, u32 LE vlen, value)*; stops before the
    // entry that would pass either cap so the app can narrow its prefix.
    QByteArray out;
    count = 0;
    auto putU32 = [&out](uint32_t v) {
        const char b[4] = {char(v), char(v >> 8), char(v >> 16), char(v >> 24)};
        out.append(b, 4);
    };
    overlay_.scan(prefix, [&](const QByteArray &key, const QByteArray &value) {
        if (count >= limits_->maxScanEntries) return false;
        if (size_t(out.size()) + 8 + size_t(key.size()) + size_t(value.size()) > limits_->maxScanBytes) return false;
        putU32(uint32_t(key.size()));
        out.append(key);
        putU32(uint32_t(value.size()));
        out.append(value);
        ++count;
        return true;
    });
    return setRegister(reg, std::move(out));
}

bool CallState::counterAdd(const GuestMemory &m, uint64_t keyPtr, int64_t amount) {
    QByteArray key;
    if (!readKey(m, keyPtr, key) || !countWrite(size_t(key.size()) + 8)) return false;
    overlay_.counterAdd(key, amount);
    return true;
}

bool CallState::counterGet(const GuestMemory &m, uint64_t keyPtr, uint64_t reg, uint32_t &ok) {
    QByteArray key;
    if (!readKey(m, keyPtr, key)) return false;
    ok = 1;
    return setRegister(reg, u64le(uint64_t(overlay_.counter(key))));
}

// ---- environment ----

bool CallState::contextId(uint64_t reg) { return setRegister(reg, in_->contextId.toByteArray()); }

bool CallState::executorId(uint64_t reg) { return setRegister(reg, in_->executorId.toByteArray()); }

bool CallState::timeNow(const GuestMemory &m, uint64_t bufPtr) {
    if (!checkRange(m, bufPtr, 16, "time_now descriptor")) return false;
    const uint64_t ptr = GuestMemory::u64le(m.at(bufPtr)), len = GuestMemory::u64le(m.at(bufPtr + 8));
    if (len != 8) return fail(CallErrorKind::HostError, QStringLiteral("time_now: buffer must be 8 bytes, got %1").arg(len));
    if (!checkRange(m, ptr, 8, "time_now buffer")) return false;
    GuestMemory::putU64le(m.mutableAt(ptr), in_->time);
    return true;
}

}  // namespace dn
