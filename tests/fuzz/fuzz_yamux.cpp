// Yamux frame decoder and session state machine on hostile bytes, with the
// application reading, writing, closing and resetting as things happen.
#include "FuzzTarget.h"

#include "net/YamuxSession.h"

#include <cstdlib>

using namespace dn;

namespace {

QByteArray frame(uint8_t type, uint16_t flags, uint32_t id, uint32_t len, const QByteArray &data = {}) {
    YamuxHeader h;
    h.type = type;
    h.flags = flags;
    h.streamId = id;
    h.length = len;
    QByteArray out;
    h.appendTo(out);
    return out + data;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    YamuxConfig cfg;
    cfg.maxStreams = 8;
    YamuxSession s(data[0] & 1, cfg);
    const qsizetype chunk = 1 + data[1] % 40;
    const QByteArray in(reinterpret_cast<const char *>(data) + 2, qsizetype(size - 2));
    qsizetype outBytes = 0;
    for (qsizetype pos = 0; pos < in.size(); pos += chunk) {
        const bool ok = s.feed(in.mid(pos, chunk));
        for (const YamuxEvent &e : s.takeEvents()) {
            const uint8_t act = uint8_t(in[pos % in.size()]);
            switch (e.kind) {
            case YamuxEvent::Opened: s.write(e.stream, QByteArray(act % 7, 'o')); break;
            case YamuxEvent::Readable:
                if (act & 1) s.read(e.stream, act);
                if (act & 2) s.closeWrite(e.stream);
                if ((act & 0x1c) == 0x1c) s.reset(e.stream);
                break;
            case YamuxEvent::RemoteFin: s.read(e.stream); break;
            default: break;
            }
            if (e.kind == YamuxEvent::Opened && (act & 4)) s.openStream();
            if (s.bytesAvailable(e.stream) > qsizetype(cfg.window)) std::abort();  // window bound
        }
        outBytes += s.takeOutput().size();
        if (!ok) break;
    }
    if (s.streamCount() > cfg.maxStreams + 2) std::abort();
    if (outBytes > in.size() * 4 + 4096) std::abort();  // replies are proportional to input
    return 0;
}

std::vector<std::string> dnFuzzSeeds() {
    using H = YamuxHeader;
    const QByteArray open = frame(H::WindowUpdate, H::Syn, 1, 0);
    const QByteArray data = frame(H::Data, 0, 1, 5, "hello");
    const QByteArray fin = frame(H::WindowUpdate, H::Fin, 1, 0);
    const QByteArray rst = frame(H::WindowUpdate, H::Rst, 3, 0);
    const QByteArray ping = frame(H::Ping, H::Syn, 0, 42);
    const QByteArray upd = frame(H::WindowUpdate, 0, 1, 1 << 20);
    const QByteArray bye = frame(H::GoAway, 0, 0, 0);
    auto seed = [](char mode, char chunk, const QByteArray &b) { return std::string{mode, chunk} + b.toStdString(); };
    return {
        seed(0, 39, open + data + fin),
        seed(0, 5, open + data + upd + frame(H::Data, H::Syn, 3, 3, "abc") + rst + ping),
        seed(1, 12, frame(H::WindowUpdate, H::Syn, 2, 0) + frame(H::Data, 0, 2, 2, "hi") + bye),
        seed(0, 0, open + frame(H::Data, 0, 1, 300000) + QByteArray(300000, 'z')),
    };
}
