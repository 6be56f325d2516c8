// NetworkService::setupMetrics: the network's families on /metrics (ARCHITECTURE
// §13). Values are read at scrape time on the node thread.
#include "gossip/GossipService.h"
#include "net/Host.h"
#include "metrics/MetricsRegistry.h"
#include "network/NetworkService.h"
#include "network/PeerDiscovery.h"
#include "sync/BlobServer.h"
#include "sync/SyncManager.h"
#include "sync/SyncServer.h"
#include "sync/SyncWire.h"

namespace dn {

void NetworkService::setupMetrics() {
    MetricsRegistry *m = deps_.metrics;
    if (!m) return;
    using T = MetricsRegistry::Type;
    Host *h = host_.get();
    auto count = [m](const QByteArray &name, const MetricsRegistry::Labels &labels, std::function<double()> fn) {
        m->value(name, labels, std::move(fn));
    };

    m->family("deltanode_p2p_connections_total", T::Counter, "libp2p connections: opened (upgraded), failed (before the upgrade finished), closed.");
    count("deltanode_p2p_connections_total", {{"event", "opened"}}, [h] { return double(h->counters().connectionsOpened.load()); });
    count("deltanode_p2p_connections_total", {{"event", "failed"}}, [h] { return double(h->counters().connectionsFailed.load()); });
    count("deltanode_p2p_connections_total", {{"event", "closed"}}, [h] { return double(h->counters().connectionsClosed.load()); });
    m->family("deltanode_p2p_bytes_total", T::Counter, "Raw TCP bytes of the libp2p connections.");
    count("deltanode_p2p_bytes_total", {{"direction", "in"}}, [h] { return double(h->counters().bytesIn.load()); });
    count("deltanode_p2p_bytes_total", {{"direction", "out"}}, [h] { return double(h->counters().bytesOut.load()); });
    m->family("deltanode_p2p_protocol_bytes_total", T::Counter, "Application bytes per protocol over all known peers.");
    for (const QString &proto : {QStringLiteral("/meshsub/1.1.0"), QStringLiteral("/meshsub/1.0.0"), syncwire::kSyncProtocol,
                                 syncwire::kBlobProtocol, QStringLiteral("/ipfs/id/1.0.0"), QStringLiteral("/ipfs/ping/1.0.0")}) {
        for (const bool in : {true, false}) {
            count("deltanode_p2p_protocol_bytes_total", {{"protocol", proto}, {"direction", in ? QStringLiteral("in") : QStringLiteral("out")}},
                  [h, proto, in] {
                      double sum = 0;
                      for (const PeerId &p : h->peerStore().peers())
                          if (auto rec = h->peerStore().get(p)) {
                              const ProtocolBytes b = rec->bytesByProtocol.value(proto);
                              sum += double(in ? b.in : b.out);
                          }
                      return sum;
                  });
        }
    }
    m->family("deltanode_p2p_rejected_total", T::Counter, "Connections and streams refused for bad input or limits, by reason.");
    for (size_t i = 0; i < kNetRejectCount; ++i) {
        const auto reason = NetReject(i);
        count("deltanode_p2p_rejected_total", {{"reason", QString::fromLatin1(netRejectName(reason))}},
              [h, reason] { return double(h->counters().rejected(reason)); });
    }
    m->family("deltanode_p2p_dropped_total", T::Counter,
              "Peers cut off by the resource limits (a connection closed or a stream reset), by the limit hit.");
    for (size_t i = 0; i < kDropReasonCount; ++i) {
        const auto reason = DropReason(i);
        count("deltanode_p2p_dropped_total", {{"reason", QString::fromLatin1(dropReasonName(reason))}},
              [h, reason] { return double(h->counters().dropped(reason)); });
    }
    m->family("deltanode_peer_redials_total", T::Counter, "Dials made by discovery (bootstrap and reconnection).");
    count("deltanode_peer_redials_total", {}, [this] { return double(discovery_->redials()); });

    m->family("deltanode_gossip_messages_total", T::Counter, "Context topic messages published and received, by kind.");
    count("deltanode_gossip_messages_total", {{"kind", "delta"}, {"direction", "published"}}, [this] { return double(deltasPublished_); });
    count("deltanode_gossip_messages_total", {{"kind", "delta"}, {"direction", "received"}}, [this] { return double(deltasReceived_); });
    count("deltanode_gossip_messages_total", {{"kind", "heartbeat"}, {"direction", "published"}}, [this] { return double(heartbeatsPublished_); });
    count("deltanode_gossip_messages_total", {{"kind", "heartbeat"}, {"direction", "received"}}, [this] { return double(heartbeatsReceived_); });
    m->family("deltanode_gossip_bad_payloads_total", T::Counter, "Topic messages that were not a valid GossipPayload for their topic.");
    count("deltanode_gossip_bad_payloads_total", {}, [this] { return double(badPayloads_); });
    m->family("deltanode_gossip_publish_failures_total", T::Counter, "Deltas that could not be published (sync delivers them later).");
    count("deltanode_gossip_publish_failures_total", {}, [this] { return double(publishFailures_); });
    m->family("deltanode_mesh_peers", T::Gauge, "Peers in our gossip mesh, per context topic.");
    GossipService *gs = gossip_.get();
    m->family("deltanode_gossip_router_total", T::Counter,
              "Gossip router events: validation verdicts, penalties, graylisted RPCs, duplicates, spam drops.");
    const std::pair<const char *, quint64 GossipCounters::*> routerEvents[] = {
        {"delivered", &GossipCounters::delivered},       {"duplicate", &GossipCounters::duplicates},
        {"invalid_signature", &GossipCounters::invalidSignature}, {"bad_seqno", &GossipCounters::badSeqno},
        {"rejected", &GossipCounters::rejected},         {"ignored", &GossipCounters::ignored},
        {"validation_throttled", &GossipCounters::validationThrottled},
        {"graylisted_rpc", &GossipCounters::graylistedRpcs}, {"penalty", &GossipCounters::penalties},
        {"too_large", &GossipCounters::tooLarge},        {"decode_error", &GossipCounters::decodeErrors},
        {"dropped_rpc", &GossipCounters::droppedRpcs},
    };
    for (const auto &[name, field] : routerEvents)
        count("deltanode_gossip_router_total", {{"event", QString::fromLatin1(name)}},
              [gs, field = field] { return double(gs->counters().*field); });
    m->family("deltanode_gossip_graylisted_peers", T::Gauge, "Connected gossip peers below the graylist threshold.");
    count("deltanode_gossip_graylisted_peers", {}, [gs] {
        int n = 0;
        for (const PeerId &p : gs->gossipPeers()) n += gs->router().scores().graylisted(p) ? 1 : 0;
        return double(n);
    });
    m->family("deltanode_gossip_seen_entries", T::Gauge, "Message ids in the gossip seen cache (bounded).");
    count("deltanode_gossip_seen_entries", {}, [gs] { return double(gs->router().seenCount()); });

    SyncManager *s = sync_.get();
    m->family("deltanode_sync_attempts_total", T::Counter, "Sync sessions started (any trigger).");
    count("deltanode_sync_attempts_total", {}, [s] { return double(s->counters().attempts); });
    m->family("deltanode_sync_failures_total", T::Counter, "Sync sessions that failed (they back the peer off).");
    count("deltanode_sync_failures_total", {}, [s] { return double(s->counters().failures); });
    m->family("deltanode_sync_deltas_fetched_total", T::Counter, "Deltas obtained by sync rather than gossip.");
    count("deltanode_sync_deltas_fetched_total", {}, [s] { return double(s->counters().deltasFetched); });
    m->family("deltanode_sync_snapshots_total", T::Counter, "Snapshots imported.");
    count("deltanode_sync_snapshots_total", {}, [s] { return double(s->counters().snapshots); });
    m->family("deltanode_sync_snapshots_deferred_total", T::Counter,
              "Snapshots a peer asked for that waited while another member was asked for the deltas first.");
    count("deltanode_sync_snapshots_deferred_total", {}, [s] { return double(s->counters().snapshotsDeferred); });
    m->family("deltanode_sync_parent_pulls_total", T::Counter, "Immediate fetches of missing parents.");
    count("deltanode_sync_parent_pulls_total", {}, [s] { return double(s->counters().parentPulls); });
    m->family("deltanode_sync_sessions", T::Gauge, "Sync sessions running and queued.");
    count("deltanode_sync_sessions", {{"state", "running"}}, [s] { return double(s->running()); });
    count("deltanode_sync_sessions", {{"state", "queued"}}, [s] { return double(s->queued()); });
    SyncServer *srv = syncServer_.get();
    m->family("deltanode_sync_served_total", T::Counter, "Sync requests answered for peers, by kind.");
    count("deltanode_sync_served_total", {{"kind", "heads"}}, [srv] { return double(srv->counters().heads); });
    count("deltanode_sync_served_total", {{"kind", "deltas"}}, [srv] { return double(srv->counters().deltaPages); });
    count("deltanode_sync_served_total", {{"kind", "snapshot_page"}}, [srv] { return double(srv->counters().snapshotPages); });
    m->family("deltanode_sync_refused_total", T::Counter, "Sync requests refused (unauthorized, unknown context, malformed).");
    count("deltanode_sync_refused_total", {}, [srv] { return double(srv->counters().refused + srv->counters().badFrames); });
    BlobServer *blob = blobServer_.get();
    m->family("deltanode_blob_transfers_total", T::Counter, "Blobs served to peers, by outcome.");
    count("deltanode_blob_transfers_total", {{"result", "served"}}, [blob] { return double(blob->counters().served); });
    count("deltanode_blob_transfers_total", {{"result", "refused"}}, [blob] { return double(blob->counters().refused); });
    m->family("deltanode_not_a_member_refused_total", T::Counter,
              "Sync and blob requests refused because the peer is not a member of the context, by protocol.");
    count("deltanode_not_a_member_refused_total", {{"protocol", "sync"}}, [srv] { return double(srv->counters().notMember); });
    count("deltanode_not_a_member_refused_total", {{"protocol", "blob"}}, [blob] { return double(blob->counters().notMember); });
    count("deltanode_blob_transfers_total", {{"result", "bad_request"}}, [blob] { return double(blob->counters().badRequests); });
    m->family("deltanode_p2p_server_limited_total", T::Counter,
              "Sync and blob streams refused or reset by the per-peer limits: busy (no slot), idle (timeout), oversize (request frame).");
    count("deltanode_p2p_server_limited_total", {{"protocol", "sync"}, {"why", "busy"}}, [srv] { return double(srv->counters().busy); });
    count("deltanode_p2p_server_limited_total", {{"protocol", "sync"}, {"why", "idle"}}, [srv] { return double(srv->counters().idle); });
    count("deltanode_p2p_server_limited_total", {{"protocol", "sync"}, {"why", "oversize"}}, [srv] { return double(srv->counters().oversize); });
    count("deltanode_p2p_server_limited_total", {{"protocol", "blob"}, {"why", "busy"}}, [blob] { return double(blob->counters().busy); });
    count("deltanode_p2p_server_limited_total", {{"protocol", "blob"}, {"why", "idle"}}, [blob] { return double(blob->counters().idle); });
    count("deltanode_p2p_server_limited_total", {{"protocol", "blob"}, {"why", "oversize"}}, [blob] { return double(blob->counters().oversize); });
}

void NetworkService::registerTopicMetrics(const QString &topic) {
    if (!deps_.metrics || metricTopics_.contains(topic)) return;
    metricTopics_.insert(topic);
    GossipService *g = gossip_.get();
    deps_.metrics->value("deltanode_mesh_peers", {{"topic", topic}}, [g, topic] { return double(g->meshPeers(topic).size()); });
}

}  // namespace dn
