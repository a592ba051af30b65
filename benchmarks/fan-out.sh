#!/usr/bin/env bash
# Fan-out benchmark (issue "Trust"): one notification to N people, every copy written through GMime (the reference)
# against the first written and the others made from its bytes, in the same run on the same drafts; N and 4N.
# Usage: benchmarks/fan-out.sh [NOTIFICATIONS]   Environment: SCRATCH (build folder, default .build).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=${SCRATCH:-.build}
swift build -c release --scratch-path "$SCRATCH" --product rollout-bench >/dev/null
bench="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/rollout-bench"
for people in 4 16; do "$bench" fan-out "$people" "${1:-2000}"; done
