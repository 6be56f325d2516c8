#pragma once
// The state of one running method call and the semantics of every host
// function (ARCHITECTURE §7 + storage_scan), independent of V8: HostBindings
// converts the wasm arguments and hands over a fresh GuestMemory view.
//
// Each host function returns false after recording a fatal error (trap,
// limit, host misuse); the binding then throws into the module. The first
// error is sticky: the call fails with it even if the module somehow keeps
// running, and every later host call fails immediately.
#include "runtime/CallError.h"
#include "runtime/CallInput.h"
#include "runtime/CallOutcome.h"
#include "runtime/GuestMemory.h"
#include "runtime/RuntimeLimits.h"
#include "runtime/WriteOverlay.h"
#include <QByteArray>
#include <QStringList>
#include <optional>
#include <unordered_map>
#include <vector>

namespace dn {

class CallState {
public:
    void begin(const CallInput &in, const RuntimeLimits &limits);

    bool failed() const { return error_.has_value(); }
    const std::optional<CallError> &error() const { return error_; }
    bool fail(CallErrorKind kind, QString message);  // records (first error wins), returns false

    // Moves the results into `out`; drops actions and events if the call failed.
    void finish(CallOutcome &out);

    // ---- host functions ----
    bool registerLen(uint64_t reg, uint64_t &len);
    bool readRegister(const GuestMemory &m, uint64_t reg, uint64_t bufPtr, uint32_t &ok);
    bool input(uint64_t reg);
    bool valueReturn(const GuestMemory &m, uint64_t ptr);
    bool logUtf8(const GuestMemory &m, uint64_t bufPtr);
    bool panicUtf8(const GuestMemory &m, uint64_t msgPtr, uint64_t locPtr);
    bool emitEvent(const GuestMemory &m, uint64_t eventPtr, const uint64_t *handlerPtr);
    bool storageRead(const GuestMemory &m, uint64_t keyPtr, uint64_t reg, uint32_t &found);
    bool storageWrite(const GuestMemory &m, uint64_t keyPtr, uint64_t valuePtr, uint64_t reg, uint32_t &existed);
    bool storageRemove(const GuestMemory &m, uint64_t keyPtr, uint64_t reg, uint32_t &existed);
    bool storageScan(const GuestMemory &m, uint64_t prefixPtr, uint64_t reg, uint64_t &count);
    bool counterAdd(const GuestMemory &m, uint64_t keyPtr, int64_t amount);
    bool counterGet(const GuestMemory &m, uint64_t keyPtr, uint64_t reg, uint32_t &ok);
    bool contextId(uint64_t reg);
    bool executorId(uint64_t reg);
    bool timeNow(const GuestMemory &m, uint64_t bufPtr);

private:
    // Reads a 16-byte {ptr, len} descriptor at `descPtr`, checks len ≤ limit
    // (LimitExceeded naming `what`) and that the bytes are inside memory (Trap).
    bool readBuf(const GuestMemory &m, uint64_t descPtr, size_t limit, const char *what, GuestBuf &buf);
    bool checkRange(const GuestMemory &m, uint64_t ptr, uint64_t len, const char *what);
    static QByteArray bytes(const GuestMemory &m, const GuestBuf &b) {
        return QByteArray(m.at(b.ptr), qsizetype(b.len));
    }
    bool readKey(const GuestMemory &m, uint64_t keyPtr, QByteArray &key);
    bool setRegister(uint64_t reg, QByteArray value);
    bool countWrite(size_t bytes);

    const CallInput *in_ = nullptr;
    const RuntimeLimits *limits_ = nullptr;
    std::unordered_map<uint64_t, QByteArray> registers_;
    WriteOverlay overlay_;
    std::optional<CallError> error_;
    QByteArray returnValue_;
    std::optional<QByteArray> appError_;
    QStringList logs_;
    std::vector<Event> events_;
    size_t writes_ = 0;
    size_t writtenBytes_ = 0;
};

}  // namespace dn
