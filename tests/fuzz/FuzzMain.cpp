// A small stand-in for libFuzzer so that every fuzz target also runs in the
// default (g++) build: it replays the target's seeds, then feeds
// deterministic mutations of them (bit flips, byte and length-field
// overwrites, inserts, deletes, splices, truncation) until -runs or
// -max_total_time is reached. Same flags as libFuzzer, so ctest commands
// work for both; -seed fixes the sequence (default 1), so a failure is
// reproducible by running the same command. Arguments that are not flags
// are corpus directories (as for libFuzzer): their files join the seeds, and
// nothing is written back to them.
#include "FuzzTarget.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

namespace {

const uint8_t kInteresting[] = {0x00, 0x01, 0x02, 0x0a, 0x0c, 0x10, 0x20, 0x7f, 0x80, 0xfe, 0xff};

std::string mutate(std::string s, const std::vector<std::string> &pool, std::mt19937_64 &rng) {
    auto pick = [&rng](size_t n) { return n == 0 ? size_t(0) : size_t(rng() % n); };
    const int steps = 1 + int(rng() % 4);
    for (int i = 0; i < steps; ++i) {
        switch (rng() % 8) {
        case 0:  // flip a bit
            if (!s.empty()) s[pick(s.size())] ^= char(1u << (rng() % 8));
            break;
        case 1:  // an interesting byte
            if (!s.empty()) s[pick(s.size())] = char(kInteresting[pick(sizeof kInteresting)]);
            break;
        case 2: {  // a 2- or 4-byte field set to an extreme (length fields)
            const size_t w = (rng() & 1) ? 2 : 4;
            if (s.size() >= w) {
                const size_t at = pick(s.size() - w + 1);
                const char v = (rng() & 1) ? '\xff' : '\x00';
                for (size_t k = 0; k < w; ++k) s[at + k] = v;
            }
            break;
        }
        case 3: {  // insert random bytes
            std::string ins(1 + pick(16), '\0');
            for (char &c : ins) c = char(rng());
            s.insert(pick(s.size() + 1), ins);
            break;
        }
        case 4:  // delete a range
            if (!s.empty()) {
                const size_t at = pick(s.size());
                s.erase(at, 1 + pick(s.size() - at));
            }
            break;
        case 5:  // truncate
            s.resize(pick(s.size() + 1));
            break;
        case 6: {  // splice in part of another seed
            const std::string &o = pool[pick(pool.size())];
            if (!o.empty()) {
                const size_t from = pick(o.size());
                s.insert(pick(s.size() + 1), o.substr(from, 1 + pick(o.size() - from)));
            }
            break;
        }
        default:  // duplicate a chunk (repeated frames)
            if (!s.empty()) {
                const size_t at = pick(s.size());
                s.insert(pick(s.size() + 1), s.substr(at, 1 + pick(s.size() - at)));
            }
            break;
        }
    }
    if (s.size() > 1 << 20) s.resize(1 << 20);
    return s;
}

long flag(int argc, char **argv, const char *name, long def) {
    const size_t n = std::strlen(name);
    for (int i = 1; i < argc; ++i)
        if (std::strncmp(argv[i], name, n) == 0 && argv[i][n] == '=') return std::atol(argv[i] + n + 1);
    return def;
}

// The files of a corpus directory, in name order (a fixed sequence for -seed);
// a missing directory adds nothing.
void readCorpus(const char *dir, std::vector<std::string> &pool) {
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (const auto &e : std::filesystem::directory_iterator(dir, ec))
        if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto &p : files) {
        std::ifstream in(p, std::ios::binary);
        pool.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
}

void run(const std::string &s) { LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(s.data()), s.size()); }

}  // namespace

int main(int argc, char **argv) {
    LLVMFuzzerInitialize(&argc, &argv);
    const long runs = flag(argc, argv, "-runs", 10000);
    const long seconds = flag(argc, argv, "-max_total_time", 0);
    std::mt19937_64 rng(uint64_t(flag(argc, argv, "-seed", 1)));
    std::vector<std::string> pool = dnFuzzSeeds();
    for (int i = 1; i < argc; ++i)
        if (argv[i][0] != '-') readCorpus(argv[i], pool);
    pool.push_back(std::string());
    const auto start = std::chrono::steady_clock::now();
    long done = 0;
    for (const std::string &s : pool) {
        run(s);
        ++done;
    }
    for (; done < runs; ++done) {
        if (seconds > 0 && std::chrono::steady_clock::now() - start > std::chrono::seconds(seconds)) break;
        std::string input = mutate(pool[rng() % pool.size()], pool, rng);
        run(input);
        // Keep some mutants as new starting points (a crude corpus).
        if (rng() % 64 == 0 && pool.size() < 512) pool.push_back(std::move(input));
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("fuzz: %ld inputs in %.2f s, no crash\n", done, secs);
    return 0;
}
