// The sync and blob decoders a remote peer controls (/deltanode/sync/1.0.0,
// /deltanode/blob/1.0.0, context topic payloads): the input is a stream of
// uvarint frames read under the protocols' bounds, and every frame is decoded
// as each message kind with the same checks the server and the requester
// apply (id sizes and counts, snapshot entries, root of a snapshot, blob
// header consistency). Nothing may crash, allocate beyond the bounds, or
// accept an inconsistent value.
#include "FuzzTarget.h"

#include "crypto/Sha256.h"
#include "gossip/RpcFrameReader.h"
#include "sync.pb.h"
#include "sync/SyncWire.h"

#include <cstdlib>
#include <google/protobuf/stubs/logging.h>

using namespace dn;
namespace pb = deltanode::pb;

namespace {

void checkIds(const google::protobuf::RepeatedPtrField<std::string> &f, int max) {
    const auto ids = syncwire::ids(f, max);
    if (ids && int(ids->size()) > max) std::abort();
}

const PeerId kRequester = PeerId::fromPublicKey(Hash32::fromBytes(QByteArray(32, 'a')).value());
const PeerId kResponder = PeerId::fromPublicKey(Hash32::fromBytes(QByteArray(32, 'b')).value());

void decodeFrame(const QByteArray &f) {
    pb::SyncRequest req;
    if (req.ParseFromArray(f.constData(), int(f.size()))) {
        checkIds(req.deltas().ids(), syncwire::kMaxIdsPerRequest);
        checkIds(req.deltas().have(), syncwire::kMaxIdsPerRequest);
        (void)Hash32::fromBytes(QByteArray::fromStdString(req.context_id()));
        (void)syncwire::checkAuth(QByteArray::fromStdString(req.auth()), QByteArray(32, 'k'), syncwire::kSyncDomain,
                                  Hash32{}, kRequester, kResponder);
    }
    pb::SyncResponse resp;
    if (resp.ParseFromArray(f.constData(), int(f.size()))) {
        checkIds(resp.heads().heads(), syncwire::kMaxHeads);
        checkIds(resp.deltas().pruned(), 4000);
        checkIds(resp.deltas().unknown(), 4000);
        std::vector<StateEntry> entries;
        for (const auto &e : resp.snapshot().entries()) {
            auto entry = syncwire::fromWire(e);
            if (!entry) continue;
            // A decoded entry re-encodes to something that decodes the same.
            pb::SnapshotEntry again;
            syncwire::toWire(*entry, &again);
            auto back = syncwire::fromWire(again);
            if (!back || !(*back == *entry)) std::abort();
            entries.push_back(std::move(*entry));
        }
        (void)syncwire::rootOf(entries);
        checkIds(resp.snapshot().covered(), 1'000'000);
    }
    pb::BlobResponse blob;
    if (blob.ParseFromArray(f.constData(), int(f.size())) && blob.has_header()) {
        const auto ids = syncwire::ids(blob.header().chunk_ids(), syncwire::kMaxBlobChunks);
        if (ids) {
            Sha256 h;
            for (const Hash32 &c : *ids) h.add(QByteArrayView(c.data(), 32));
            (void)h.finish();
        }
    }
    pb::GossipPayload payload;
    if (payload.ParseFromArray(f.constData(), int(f.size())) && payload.has_heartbeat())
        checkIds(payload.heartbeat().heads(), syncwire::kMaxHeads);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    // libprotobuf logs every refused string field; the fuzzer would drown in it.
    static const bool quiet = (google::protobuf::SetLogHandler(nullptr), true);
    (void)quiet;
    if (size < 1) return 0;
    const qsizetype bound = data[0] & 1 ? syncwire::kMaxBlobFrame : 64 * 1024;
    const QByteArray in(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    // The whole input as one message, and as a framed stream.
    decodeFrame(in);
    RpcFrameReader reader(bound);
    const qsizetype chunk = 1 + (data[0] >> 1) % 64;
    for (qsizetype pos = 0; pos < in.size(); pos += chunk) {
        reader.append(QByteArrayView(in).sliced(pos, std::min(chunk, in.size() - pos)));
        QByteArray f;
        RpcFrameReader::Status st;
        while ((st = reader.next(f)) == RpcFrameReader::Status::Frame) {
            if (f.size() > bound) std::abort();
            decodeFrame(f);
        }
        if (st != RpcFrameReader::Status::NeedMore) break;
    }
    return 0;
}

std::vector<std::string> dnFuzzSeeds() {
    auto framed = [](const google::protobuf::MessageLite &m) { return syncwire::frame(m).toStdString(); };
    const std::string id(32, '\x07');
    pb::SyncRequest heads;
    heads.set_context_id(id);
    heads.set_auth(std::string(32, 'a'));
    heads.mutable_heads();
    pb::SyncRequest deltas = heads;
    deltas.mutable_deltas()->add_ids(id);
    deltas.mutable_deltas()->add_have(std::string(32, '\x08'));
    pb::SyncResponse page;
    auto *e = page.mutable_snapshot()->add_entries();
    e->set_kind(1);
    e->set_key("k");
    e->set_value("v");
    e->set_hlc(42);
    e->set_author(id);
    auto *cnt = page.mutable_snapshot()->add_entries();
    cnt->set_kind(3);
    cnt->set_key("c");
    auto *share = cnt->add_shares();
    share->set_author(id);
    share->set_pos(5);
    page.mutable_snapshot()->add_covered(id);
    page.mutable_snapshot()->set_done(true);
    pb::BlobResponse header;
    header.mutable_header()->set_size(3);
    header.mutable_header()->add_chunk_ids(id);
    header.mutable_header()->set_blob_id(id);
    pb::GossipPayload hb;
    hb.mutable_heartbeat()->set_context_id(id);
    hb.mutable_heartbeat()->add_heads(id);
    return {
        std::string(1, '\x00') + framed(heads) + framed(deltas),
        std::string(1, '\x10') + framed(page),
        std::string(1, '\x01') + framed(header),
        std::string(1, '\x02') + framed(hb) + framed(page),
    };
}
