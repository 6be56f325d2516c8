#include "sync/SyncWire.h"
#include "crypto/PeerId.h"
#include "state/RootHash.h"
#include "sync.pb.h"
#include <QMessageAuthenticationCode>
#include <algorithm>
#include <openssl/crypto.h>

namespace dn::syncwire {

namespace pb = ::deltanode::pb;

QByteArray frame(const google::protobuf::MessageLite &message) {
    std::string body;
    message.SerializeToString(&body);
    QByteArray out;
    out.reserve(qsizetype(body.size()) + 10);
    uint64_t v = body.size();
    while (v >= 0x80) {
        out.append(char(uint8_t(v) | 0x80));
        v >>= 7;
    }
    out.append(char(v));
    out.append(body.data(), qsizetype(body.size()));
    return out;
}

QByteArray authTag(const QByteArray &contextKey, const char *domain, const Hash32 &contextId,
                   const PeerId &requester, const PeerId &responder) {
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, contextKey);
    mac.addData(QByteArray(domain));
    mac.addData(contextId.toByteArray());
    mac.addData(requester.bytes());
    mac.addData(responder.bytes());
    return mac.result();
}

bool checkAuth(const QByteArray &tag, const QByteArray &contextKey, const char *domain, const Hash32 &contextId,
               const PeerId &requester, const PeerId &responder) {
    const QByteArray want = authTag(contextKey, domain, contextId, requester, responder);
    return tag.size() == want.size() && CRYPTO_memcmp(tag.constData(), want.constData(), size_t(want.size())) == 0;
}

std::optional<std::vector<Hash32>> ids(const google::protobuf::RepeatedPtrField<std::string> &field, int max) {
    if (field.size() > max) return std::nullopt;
    std::vector<Hash32> out;
    out.reserve(size_t(field.size()));
    for (const std::string &s : field) {
        if (s.size() != 32) return std::nullopt;
        Hash32 h;
        std::copy(s.begin(), s.end(), h.bytes.begin());
        out.push_back(h);
    }
    return out;
}

void addIds(google::protobuf::RepeatedPtrField<std::string> *field, const std::vector<Hash32> &ids) {
    for (const Hash32 &h : ids) field->Add(bytes(h));
}

std::string bytes(const Hash32 &h) { return std::string(h.data(), 32); }
std::string bytes(const QByteArray &b) { return std::string(b.constData(), size_t(b.size())); }

void toWire(const StateEntry &e, pb::SnapshotEntry *out) {
    out->set_kind(uint32_t(e.kind));
    out->set_key(bytes(e.key));
    switch (e.kind) {
    case StateEntry::Kind::Register:
        out->set_value(bytes(e.value));
        [[fallthrough]];
    case StateEntry::Kind::Tombstone:
        out->set_hlc(e.stamp.time);
        out->set_author(bytes(e.stamp.author));
        break;
    case StateEntry::Kind::Counter:
        for (const CounterShare &s : e.shares) {
            auto *m = out->add_shares();
            m->set_author(bytes(s.author));
            m->set_pos(s.pos);
            m->set_neg(s.neg);
        }
        break;
    }
}

Result<StateEntry> fromWire(const pb::SnapshotEntry &in) {
    StateEntry e;
    e.key = QByteArray::fromStdString(in.key());
    auto hash = [](const std::string &s) -> std::optional<Hash32> {
        return Hash32::fromBytes(QByteArray::fromStdString(s));
    };
    switch (in.kind()) {
    case uint32_t(StateEntry::Kind::Register):
    case uint32_t(StateEntry::Kind::Tombstone): {
        e.kind = StateEntry::Kind(in.kind());
        const auto author = hash(in.author());
        if (!author) return Error{ErrorCode::InvalidArgument, "a snapshot entry's author is not 32 bytes"};
        e.stamp = HlcStamp{in.hlc(), *author};
        if (e.kind == StateEntry::Kind::Register) e.value = QByteArray::fromStdString(in.value());
        else if (!in.value().empty()) return Error{ErrorCode::InvalidArgument, "a tombstone carries a value"};
        break;
    }
    case uint32_t(StateEntry::Kind::Counter):
        e.kind = StateEntry::Kind::Counter;
        for (const auto &s : in.shares()) {
            const auto author = hash(s.author());
            if (!author) return Error{ErrorCode::InvalidArgument, "a counter share's author is not 32 bytes"};
            if (!e.shares.empty() && !(e.shares.back().author < *author))
                return Error{ErrorCode::InvalidArgument, "counter shares are not sorted by author"};
            e.shares.push_back(CounterShare{*author, s.pos(), s.neg()});
        }
        break;
    default:
        return Error{ErrorCode::InvalidArgument, QStringLiteral("unknown snapshot entry kind %1").arg(in.kind())};
    }
    entry::finish(e);
    return e;
}

Hash32 rootOf(const std::vector<StateEntry> &entries) {
    Hash32 root;
    for (const StateEntry &e : entries)
        if (e.isLive()) roothash::add(root, entry::contribution(e));
    return root;
}

}  // namespace dn::syncwire
