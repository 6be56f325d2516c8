#include "dag/DeltaRecord.h"

#include "deltanode.pb.h"

namespace dn {

QByteArray encodeDeltaRecord(const StoredDeltaInfo &info) {
    deltanode::pb::StoredDelta sd;
    sd.set_envelope(info.envelope.constData(), size_t(info.envelope.size()));
    sd.set_body(info.body.constData(), size_t(info.body.size()));
    sd.set_applied(info.applied);
    sd.set_received_at_ms(uint64_t(info.receivedAtMs));
    sd.set_pruned(info.pruned);
    std::string out;
    sd.SerializeToString(&out);
    return QByteArray::fromStdString(out);
}

std::optional<StoredDeltaInfo> decodeDeltaRecord(const QByteArray &bytes) {
    deltanode::pb::StoredDelta sd;
    if (!sd.ParseFromArray(bytes.constData(), int(bytes.size()))) return std::nullopt;
    StoredDeltaInfo info;
    info.envelope = QByteArray::fromStdString(sd.envelope());
    info.body = QByteArray::fromStdString(sd.body());
    info.applied = sd.applied();
    info.pruned = sd.pruned();
    info.receivedAtMs = int64_t(sd.received_at_ms());
    return info;
}

}  // namespace dn
