#pragma once
// What the network layer needs of the node's configuration, in its own
// terms. NodeConfig (engine/node) builds one from the TOML file, so the
// network depends on nothing of the composition root above it.
#include "net/Host.h"
#include "sync/SyncConfig.h"
#include <QStringList>

namespace dn {

struct NetworkConfig {
    QStringList listen;     // multiaddrs to bind; one that cannot be bound is skipped
    QStringList bootstrap;  // multiaddrs with /p2p/<id>, dialled at start
    bool mdns = false;      // LAN discovery: not implemented yet (a warning when set)
    HostConfig host;
    SyncConfig sync;
};

}  // namespace dn
