#pragma once
// Who opened a connection or stream: the remote (inbound) or we (outbound).
#include <QString>

namespace dn {

enum class Direction { Inbound, Outbound };

inline QString directionName(Direction d) {
    return d == Direction::Inbound ? QStringLiteral("inbound") : QStringLiteral("outbound");
}

}  // namespace dn
