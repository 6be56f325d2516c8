// Linked into every fuzz target, with libFuzzer or FuzzMain: a target run
// with -dump_seeds=DIR writes its dnFuzzSeeds() into DIR, one file each named
// by content, and exits. scripts/fuzz --seeds makes corpus/<target>/ this way,
// so the committed corpus is reproducible from the sources.
#include "FuzzTarget.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

// Targets without seeds start from the empty input alone.
__attribute__((weak)) std::vector<std::string> dnFuzzSeeds() { return {}; }

namespace {

// Seeds larger than this stay out of the corpus (it is committed; the few
// big ones, e.g. a window-sized yamux frame, are reached by mutation anyway).
constexpr size_t kMaxSeedBytes = 16 * 1024;

int dumpSeeds(const char *dir) {
    int written = 0;
    for (const std::string &s : dnFuzzSeeds()) {
        if (s.size() > kMaxSeedBytes) continue;
        // FNV-1a of the content: stable names, so regenerating changes nothing
        // unless a seed did.
        uint64_t h = 1469598103934665603ull;
        for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
        char path[4096];
        std::snprintf(path, sizeof path, "%s/seed-%016llx", dir, static_cast<unsigned long long>(h));
        FILE *f = std::fopen(path, "wb");
        if (!f || std::fwrite(s.data(), 1, s.size(), f) != s.size() || std::fclose(f) != 0) {
            std::fprintf(stderr, "dump_seeds: cannot write %s\n", path);
            return 1;
        }
        ++written;
    }
    std::printf("dump_seeds: %d seeds in %s\n", written, dir);
    return 0;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) {
    static const char kFlag[] = "-dump_seeds=";
    for (int i = 1; i < *argc; ++i)
        if (std::strncmp((*argv)[i], kFlag, sizeof kFlag - 1) == 0) std::exit(dumpSeeds((*argv)[i] + sizeof kFlag - 1));
    return 0;
}
