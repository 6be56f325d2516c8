#pragma once
// Transport counters for the metrics registry: rejections by reason and
// connection totals. Written on the node thread, readable from any thread
// (the metrics endpoint), hence relaxed atomics.
#include "net/NetReject.h"
#include "net/PeerDrop.h"

#include <QMap>
#include <QString>
#include <array>
#include <atomic>
#include <cstdint>

namespace dn {

class NetCounters {
public:
    void reject(NetReject reason) { rejects_[size_t(reason)].fetch_add(1, std::memory_order_relaxed); }
    uint64_t rejected(NetReject reason) const {
        return rejects_[size_t(reason)].load(std::memory_order_relaxed);
    }
    uint64_t rejectedTotal() const;
    // reason name → count, every reason present (zeros included).
    QMap<QString, uint64_t> rejectSnapshot() const;

    // Resource-limit drops (Host::recordDrop), by reason.
    void drop(DropReason reason) { drops_[size_t(reason)].fetch_add(1, std::memory_order_relaxed); }
    uint64_t dropped(DropReason reason) const { return drops_[size_t(reason)].load(std::memory_order_relaxed); }
    // reason name → count, every reason present (zeros included).
    QMap<QString, uint64_t> dropSnapshot() const;

    std::atomic<uint64_t> connectionsOpened{0};   // upgraded successfully
    std::atomic<uint64_t> connectionsFailed{0};   // closed before the upgrade finished
    std::atomic<uint64_t> connectionsClosed{0};   // upgraded, then closed
    std::atomic<uint64_t> streamsOpened{0};       // negotiated, both directions
    std::atomic<uint64_t> bytesIn{0};             // raw TCP bytes
    std::atomic<uint64_t> bytesOut{0};

private:
    std::array<std::atomic<uint64_t>, kNetRejectCount> rejects_{};
    std::array<std::atomic<uint64_t>, kDropReasonCount> drops_{};
};

}  // namespace dn
