#pragma once
// Key layout of the database (ARCHITECTURE §8). Ids are raw 32 bytes, so every key
// of one kind has a fixed length and prefixes never collide.
#include "crypto/Hash32.h"
#include <QByteArray>

namespace dn::keys {

inline QByteArray join(char tag, std::initializer_list<QByteArrayView> parts) {
    QByteArray k;
    k.append(tag).append('/');
    bool first = true;
    for (auto p : parts) {
        if (!first) k.append('/');
        k.append(p);
        first = false;
    }
    return k;
}
inline QByteArrayView v(const Hash32 &h) { return QByteArrayView(h.data(), 32); }

inline QByteArray meta(QByteArrayView name) { return join('m', {name}); }
inline QByteArray schema() { return meta("schema"); }
inline QByteArray app(const Hash32 &id) { return join('a', {v(id)}); }
inline QByteArray appPrefix() { return "a/"; }
inline QByteArray context(const Hash32 &ctx) { return join('c', {v(ctx)}); }
inline QByteArray contextPrefix() { return "c/"; }
inline QByteArray delta(const Hash32 &ctx, const Hash32 &id) { return join('d', {v(ctx), v(id)}); }
inline QByteArray deltaPrefix(const Hash32 &ctx) { return join('d', {v(ctx), ""}); }
inline QByteArray pending(const Hash32 &ctx, const Hash32 &id) { return join('p', {v(ctx), v(id)}); }
inline QByteArray pendingPrefix(const Hash32 &ctx) { return join('p', {v(ctx), ""}); }
inline QByteArray state(const Hash32 &ctx, QByteArrayView key) { return join('s', {v(ctx), key}); }
inline QByteArray statePrefix(const Hash32 &ctx) { return join('s', {v(ctx), ""}); }
// Governance deltas (never pruned: they decide who may write) and the
// invitations this node issued (ARCHITECTURE §15).
inline QByteArray governance(const Hash32 &ctx, const Hash32 &id) { return join('g', {v(ctx), v(id)}); }
inline QByteArray governancePrefix(const Hash32 &ctx) { return join('g', {v(ctx), ""}); }
inline QByteArray issuedInvite(const Hash32 &ctx, QByteArrayView inviteId) { return join('i', {v(ctx), inviteId}); }
inline QByteArray issuedInvitePrefix(const Hash32 &ctx) { return join('i', {v(ctx), ""}); }
inline QByteArray blobMeta(const Hash32 &id) { return join('b', {v(id)}); }
inline QByteArray blobChunk(const Hash32 &id, quint32 n) {
    char be[4] = {char(n >> 24), char(n >> 16), char(n >> 8), char(n)};  // big-endian keeps chunks in order
    return join('k', {v(id), QByteArrayView(be, 4)});
}

}  // namespace dn::keys

namespace dn::keys {
// Content-addressed chunk storage: identical chunks of different blobs are kept once.
inline QByteArray chunk(const Hash32 &chunkId) { return join('k', {v(chunkId)}); }
}  // namespace dn::keys
