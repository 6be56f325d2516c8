#include "api/Offload.h"

namespace dn {

Offload::Offload(std::shared_ptr<NodeInbox> inbox, int threads) : inbox_(std::move(inbox)) {
    pool_.setMaxThreadCount(threads);
    pool_.setObjectName(QStringLiteral("api-offload"));
}

Offload::~Offload() { pool_.waitForDone(); }

}  // namespace dn
