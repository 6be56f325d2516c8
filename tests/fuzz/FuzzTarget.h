#pragma once
// What every fuzz target defines. LLVMFuzzerTestOneInput is the libFuzzer
// entry point; dnFuzzSeeds (optional) gives FuzzMain (the driver used without
// libFuzzer, e.g. under g++) valid inputs to mutate from, since random bytes
// alone rarely get past the first length check.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
// Called once before the first input (FuzzSeeds.cpp: -dump_seeds=DIR).
extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv);
std::vector<std::string> dnFuzzSeeds();
