// The trust model's decoders and fold (ARCHITECTURE §15), fed what a member,
// a removed member or a stranger controls: the input is a stream of uvarint
// frames; each frame is decoded as a delta body, as an invitation text, and
// as the join protocol's request and response. Bodies that carry governance
// are judged by a GovernanceGraph that starts from a valid genesis and, when
// the graph takes them, added to it. Nothing may crash or allocate beyond
// the bounds, a decoded body re-encodes to itself, and whatever was added,
// the membership keeps an admin and `at(heads)` equals `current()`.
#include "FuzzTarget.h"

#include "codec/DeltaCodec.h"
#include "codec/Invitation.h"
#include "crypto/Ed25519.h"
#include "crypto/SealedBox.h"
#include "crypto/Sha256.h"
#include "gossip/RpcFrameReader.h"
#include "sync.pb.h"
#include "sync/SyncWire.h"
#include "trust/GovernanceGraph.h"

#include <cstdlib>
#include <google/protobuf/stubs/logging.h>

using namespace dn;
namespace pb = deltanode::pb;

namespace {

constexpr qsizetype kMaxFrame = 64 * 1024;
constexpr int kMaxFrames = 64;

const Ed25519Key &contextKey() {
    static const Ed25519Key k = *Ed25519Key::fromSeed(QByteArray(32, 'c'));
    return k;
}
const Ed25519Key &member(int i) {
    static const Ed25519Key keys[3] = {*Ed25519Key::fromSeed(QByteArray(32, 'a')), *Ed25519Key::fromSeed(QByteArray(32, 'b')),
                                       *Ed25519Key::fromSeed(QByteArray(32, 'd'))};
    return keys[i];
}
const Hash32 &ctxId() { return contextKey().publicKey(); }

// The valid genesis: member(0) is the first admin.
DeltaBody genesis() {
    DeltaBody b;
    b.contextId = ctxId();
    b.parents = {Hash32{}};
    b.author = member(0).publicKey();
    b.hlc = 1;
    Governance g;
    g.kind = Governance::Kind::MemberAdd;
    g.peer = b.author;
    g.x25519 = x25519FromEd25519(g.peer);
    g.role = Role::Admin;
    g.contextSignature = contextKey().sign(GovernanceGraph::genesisMessage(ctxId(), b.author));
    b.governance = g;
    return b;
}

Hash32 idOf(const QByteArray &bodyBytes) { return sha256(bodyBytes); }

GovEntry entryOf(const Hash32 &id, const DeltaBody &b) {
    return {id, b.govParents, b.author, b.hlc, b.epoch, *b.governance};
}

void checkIds(const google::protobuf::RepeatedPtrField<std::string> &f, int max) {
    const auto ids = syncwire::ids(f, max);
    if (ids && int(ids->size()) > max) std::abort();
}

void judge(GovernanceGraph &graph, const QByteArray &frame) {
    auto body = decodeBody(frame);
    if (!body) return;
    // Round trip: what decodes re-encodes to a body that decodes the same.
    auto again = decodeBody(encodeBody(*body));
    if (!again || !(*again == *body)) std::abort();
    if (!body->governance) {
        (void)graph.check(idOf(frame), *body);
        return;
    }
    const Hash32 id = idOf(frame);
    if (graph.has(id)) return;
    if (!graph.check(id, *body)) graph.add(entryOf(id, *body));
}

void decodeJoin(const QByteArray &frame) {
    pb::JoinRequest req;
    if (req.ParseFromArray(frame.constData(), int(frame.size()))) {
        (void)Hash32::fromBytes(QByteArray::fromStdString(req.context_id()));
        (void)joinProof(QByteArray(32, 's'), ctxId(), QByteArray::fromStdString(req.invite_id()), QByteArray(38, 'j'),
                        QByteArray(38, 'i'));
    }
    pb::JoinResponse resp;
    if (resp.ParseFromArray(frame.constData(), int(frame.size()))) {
        checkIds(resp.seed_members(), 100000);
        checkIds(resp.seed_admins(), 100000);
        for (const auto &k : resp.keys()) (void)openSealed(member(1), QByteArray::fromStdString(k.sealed()));
        for (const auto &e : resp.error().evidence()) (void)decodeBody(QByteArray::fromStdString(e));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const bool quiet = [] {
        google::protobuf::SetLogHandler(nullptr);
        return true;
    }();
    (void)quiet;
    GovernanceGraph graph(ctxId());
    const QByteArray g = encodeBody(genesis());
    graph.add(entryOf(idOf(g), genesis()));

    RpcFrameReader reader(kMaxFrame);
    reader.append(QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size)));
    QByteArray frame;
    for (int n = 0; n < kMaxFrames && reader.next(frame) == RpcFrameReader::Status::Frame; ++n) {
        judge(graph, frame);
        (void)decodeInvitation(QString::fromUtf8(frame), 1000);
        decodeJoin(frame);
    }
    const auto now = graph.current();
    bool admin = false;
    for (const auto &[key, m] : now->members) admin = admin || m.role == Role::Admin;
    if (!admin) std::abort();
    const auto again = graph.at(graph.heads());
    if (again->members.size() != now->members.size() || again->epoch != now->epoch) std::abort();
    return 0;
}

// Seeds: the genesis, member(1) added by the admin, made admin, member(2)
// added, member(1) removed (with a sealed key for the others), an invite
// revoked, and an app write by member(2); each framed.
std::vector<std::string> dnFuzzSeeds() {
    std::vector<DeltaBody> bodies;
    const DeltaBody gen = genesis();
    bodies.push_back(gen);
    Hash32 last = idOf(encodeBody(gen));
    auto next = [&](int author, Governance g) {
        DeltaBody b;
        b.contextId = ctxId();
        b.parents = {last};
        b.govParents = {last};
        b.author = member(author).publicKey();
        b.hlc = 10 + bodies.size();
        b.governance = std::move(g);
        bodies.push_back(b);
        last = idOf(encodeBody(b));
    };
    auto add = [](int who, Role role) {
        Governance g;
        g.kind = Governance::Kind::MemberAdd;
        g.peer = member(who).publicKey();
        g.x25519 = x25519FromEd25519(g.peer);
        g.role = role;
        return g;
    };
    next(0, add(1, Role::Member));
    Governance role;
    role.kind = Governance::Kind::RoleSet;
    role.peer = member(1).publicKey();
    role.role = Role::Admin;
    next(0, role);
    next(1, add(2, Role::Member));
    Governance remove;
    remove.kind = Governance::Kind::MemberRemove;
    remove.peer = member(1).publicKey();
    remove.nextEpoch = 1;
    for (int i : {0, 2}) remove.keys.push_back({member(i).publicKey(), sealTo(x25519FromEd25519(member(i).publicKey()), QByteArray(32, 'e'))});
    next(0, remove);
    Governance revoke;
    revoke.kind = Governance::Kind::InviteRevoke;
    revoke.inviteId = QByteArray(16, 'v');
    next(0, revoke);
    DeltaBody write;
    write.contextId = ctxId();
    write.parents = {last};
    write.govParents = {last};
    write.author = member(2).publicKey();
    write.epoch = 1;
    write.hlc = 99;
    write.actions = {Action::put("k", "v")};
    bodies.push_back(write);

    std::string all;
    std::vector<std::string> seeds;
    for (const DeltaBody &b : bodies) {
        const QByteArray bytes = encodeBody(b);
        std::string framed;
        uint64_t n = uint64_t(bytes.size());
        while (n >= 0x80) {
            framed.push_back(char(n | 0x80));
            n >>= 7;
        }
        framed.push_back(char(n));
        framed.append(bytes.constData(), size_t(bytes.size()));
        seeds.push_back(framed);
        all += framed;
    }
    seeds.push_back(all);
    return seeds;
}
