#pragma once
// Shared pieces of the node-to-node protocols (ARCHITECTURE §9, §10; messages in
// codec/sync.proto): protocol ids, frame bounds, the request authenticator,
// and conversions between wire messages and engine values. Every decoder
// checks sizes before it trusts anything, so a hostile peer's frame can at
// worst be refused.
#include "context/EngineTypes.h"
#include "crypto/PeerId.h"
#include "util/Result.h"
#include <QByteArray>
#include <QString>
#include <google/protobuf/repeated_field.h>
#include <optional>
#include <string>
#include <vector>

namespace google::protobuf { class MessageLite; }
namespace deltanode::pb { class SnapshotEntry; class SnapshotPage; }

namespace dn::syncwire {

inline const QString kSyncProtocol = QStringLiteral("/deltanode/sync/1.0.0");
inline const QString kBlobProtocol = QStringLiteral("/deltanode/blob/1.0.0");
inline const QString kJoinProtocol = QStringLiteral("/deltanode/join/1.0.0");

// One sync frame: a page is bounded to ~4 MiB by the server, but a single
// envelope may be 16 MiB (CodecLimits), and it must still fit.
constexpr qsizetype kMaxSyncFrame = 20 * 1024 * 1024;
// One blob frame: a 1 MiB chunk plus its framing; a header lists at most
// kMaxBlobChunks ids.
constexpr qsizetype kMaxBlobFrame = (1 << 20) + 4096;
constexpr int kMaxBlobChunks = 16 * 1024;  // 16 GiB blobs
constexpr int kMaxIdsPerRequest = 1000;     // ids and have of one DeltasRequest
constexpr int kMaxEnvelopesPerPage = 1000;  // ARCHITECTURE §9
constexpr size_t kMaxPageBytes = 4 * 1024 * 1024;
constexpr int kMaxHeads = 1000;

// Request frames a server accepts (ARCHITECTURE §16). Responses keep the
// large bounds above: they come from peers we chose to ask. Before a peer
// has proved it is a member (a request whose auth tag and membership
// checked out) nothing it sends may be bigger than kMaxRequestBeforeAuth;
// afterwards a sync request is at most a DeltasRequest of kMaxIdsPerRequest
// ids and as many have, plus context id and tag: 68 075 bytes framed
// (tst_sync checks the figure), so 72 KiB leaves room and nothing more.
constexpr qsizetype kMaxRequestBeforeAuth = 64 * 1024;
constexpr qsizetype kMaxSyncRequestFrame = 72 * 1024;
// The first request of a sync stream carries at most this many ids (ids +
// have): 1800 × 34 bytes plus the rest stays under kMaxRequestBeforeAuth.
constexpr int kMaxIdsBeforeAuth = 1800;
// A BlobRequest names one blob or app (two ids and a tag): 4 KiB is ample.
constexpr qsizetype kMaxBlobRequestFrame = 4 * 1024;

// The varint-length-prefixed frame of a message.
QByteArray frame(const google::protobuf::MessageLite &message);

// HMAC-SHA256(context key, domain ‖ context id ‖ requester ‖ responder peer
// id bytes). Holding the context key is what makes a peer a member (it
// decrypts every delta anyway), so proving it, bound to the two Noise
// authenticated peer ids so that it cannot be replayed by anyone else, is the
// access check of sync and blob requests.
inline constexpr char kSyncDomain[] = "deltanode/sync/1";
inline constexpr char kBlobDomain[] = "deltanode/blob/1";
QByteArray authTag(const QByteArray &contextKey, const char *domain, const Hash32 &contextId,
                   const PeerId &requester, const PeerId &responder);
bool checkAuth(const QByteArray &tag, const QByteArray &contextKey, const char *domain, const Hash32 &contextId,
               const PeerId &requester, const PeerId &responder);

// 32-byte ids of a repeated bytes field; nullopt if any has another size or
// there are more than `max`.
std::optional<std::vector<Hash32>> ids(const google::protobuf::RepeatedPtrField<std::string> &field, int max);
void addIds(google::protobuf::RepeatedPtrField<std::string> *field, const std::vector<Hash32> &ids);
std::string bytes(const Hash32 &h);
std::string bytes(const QByteArray &b);

// StateEntry <-> SnapshotEntry. fromWire refuses unknown kinds, bad id sizes,
// unsorted or duplicate counter shares.
void toWire(const StateEntry &e, deltanode::pb::SnapshotEntry *out);
Result<StateEntry> fromWire(const deltanode::pb::SnapshotEntry &in);
// The root hash the live entries of a snapshot add up to (RootHash.h): a
// received snapshot must match the root its sender announced.
Hash32 rootOf(const std::vector<StateEntry> &entries);

}  // namespace dn::syncwire
