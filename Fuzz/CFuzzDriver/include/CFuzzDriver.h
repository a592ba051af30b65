#ifndef ROLLOUT_CFUZZDRIVER_H
#define ROLLOUT_CFUZZDRIVER_H
#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer over `test` with the command line's options (libFuzzer's own LLVMFuzzerRunDriver): the fuzz
/// targets have a Swift `main` of their own, because SwiftPM links executables with a renamed entry point.
int rollout_fuzz_main(int argc, char **argv, int (*test)(const uint8_t *data, size_t size));

#endif
