#include "trust/SnapshotProof.h"
#include "crypto/Sha256.h"
#include <QtEndian>

namespace dn {

QByteArray snapshotMessage(const Hash32 &contextId, uint32_t epoch, const std::vector<Hash32> &heads,
                           const Hash32 &root, const std::vector<Hash32> &covered) {
    QByteArray m("deltanode/snapshot/1");
    m.append(reinterpret_cast<const char *>(contextId.data()), 32);
    char be[4];
    qToBigEndian(epoch, be);
    m.append(be, 4);
    qToBigEndian(uint32_t(heads.size()), be);
    m.append(be, 4);
    for (const Hash32 &h : heads) m.append(reinterpret_cast<const char *>(h.data()), 32);
    m.append(reinterpret_cast<const char *>(root.data()), 32);
    Sha256 ids;
    for (const Hash32 &c : covered) ids.add(QByteArrayView(reinterpret_cast<const char *>(c.data()), 32));
    const Hash32 digest = ids.finish();
    m.append(reinterpret_cast<const char *>(digest.data()), 32);
    return m;
}

}  // namespace dn
