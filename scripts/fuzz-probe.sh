#!/usr/bin/env bash
# The cost of one input at growing sizes, as scripts/fuzz.sh times it after a run (its figures in RELIABILITY.md
# come from here): FILE repeated up to each SIZE and run through the fuzz target, the best of three after a warm-up.
#
# Usage: scripts/fuzz-probe.sh [--no-asan] TARGET FILE [SIZE…]      (sizes default: 262144 1048576)
#   --no-asan   a fuzz build without AddressSanitizer (-sanitize=fuzzer only, scratch .build-noasan): what
#               the code costs, without the sanitizer's own (its realloc always copies, for one)
# Environment: FUZZ_PROBE_SECONDS (default 600): a size not done within it prints "timeout"; one that crashed
# the target (a sanitizer's report, a signal) prints "crash".
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
source scripts/fuzz-targets.sh

sanitizers=fuzzer,address SCRATCH=.build-fuzz
if [[ "${1:-}" == --no-asan ]]; then sanitizers=fuzzer SCRATCH=.build-noasan; shift; fi
TARGET=${1:-} FILE=${2:-}
if [[ -z "$TARGET" || ! -f "$FILE" ]]; then sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; fi
[[ " ${ALL[*]} " == *" $TARGET "* ]] || { echo "unknown target $TARGET; expected one of ${ALL[*]}" >&2; exit 64; }
shift 2
sizes=("$@")
((${#sizes[@]} > 0)) || sizes=(262144 1048576)
PROBE_SECONDS=${FUZZ_PROBE_SECONDS:-600}

FLAGS=(-c release --scratch-path "$SCRATCH" --manifest-cache none
    -Xswiftc "-sanitize=$sanitizers" -Xswiftc -parse-as-library -Xswiftc -enable-testing -Xswiftc -use-ld=lld)
ROLLOUT_FUZZ=1 swift build "${FLAGS[@]}" --product "$(product "$TARGET")" 2>&1 | grep -v 'Cannot export local symbol' >&2
exe=$(ROLLOUT_FUZZ=1 swift build "${FLAGS[@]}" --show-bin-path)/$(product "$TARGET")
work=$(mktemp -d /tmp/fuzz-probe.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "$TARGET ($sanitizers), $(basename "$FILE") ($(stat -c %s "$FILE") bytes) repeated, best of three, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores:"
for size in "${sizes[@]}"; do
    repeat_to "$FILE" "$work/$size" "$size"
    result=$(time_best "$exe" "$work/$size" "$FILE")
    [[ $result =~ ^[0-9]+$ ]] && result+=" ms"
    echo "  $size bytes: $result"
done
