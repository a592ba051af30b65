#!/usr/bin/env bash
# Compares two rollout-gateway binaries on the ingest benchmark's replies (benchmarks/ingest.sh), alternating them on
# the same generated Maildir so that both meet the same machine load; prints the best of ROUNDS runs of each — wall
# clock and CPU time (user + system, which the other users of a shared machine disturb less) — and their ratios. Usage: benchmarks/ingest-compare.sh BEFORE AFTER [N ...]   (default N: 2500 10000; ROUNDS default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
before=$1 after=$2
shift 2
counts=("$@")
[[ ${#counts[@]} -eq 0 ]] && counts=(2500 10000)
rounds=${ROUNDS:-3}
source benchmarks/staged-ticket.sh

for count in "${counts[@]}"; do
    inbox=$(mktemp -d)
    python3 benchmarks/generate_replies.py "$count" "$inbox"
    declare -A best=([before]=0 [after]=0) cpu=([before]=999999 [after]=999999)
    for round in $(seq "$rounds"); do
        for which in before after; do
            gateway=${!which}
            work=$(mktemp -d)
            ( stage_ticket "$gateway" "$work"
              mkdir -p "$work/inbox"/{cur,tmp}; cp -r "$inbox/new" "$work/inbox/"
              start=$(date +%s.%N)
              /usr/bin/time -f "%U %S" -o "$work/time" "$gateway" ingest --maildir "$work/inbox" 2>"$work/log"
              end=$(date +%s.%N)
              echo "$count / ($end - $start)" | bc -l > "$work/rate" )
            rate=$(cat "$work/rate")
            used=$(awk '{ printf "%.3f", ($1 + $2) * 1000000 / '"$count"' }' "$work/time")  # µs of CPU per message
            if (( $(echo "$rate > ${best[$which]}" | bc -l) )); then best[$which]=$rate; fi
            if (( $(echo "$used < ${cpu[$which]}" | bc -l) )); then cpu[$which]=$used; fi
            rm -rf "$work"
        done
    done
    printf 'N=%-6s wall: before %6.0f msg/s, after %6.0f msg/s, after/before %.3f | CPU: before %5.0f µs/msg, after %5.0f µs/msg, after/before %.3f  (best of %s)\n' \
        "$count" "${best[before]}" "${best[after]}" "$(echo "${best[after]} / ${best[before]}" | bc -l)" \
        "${cpu[before]}" "${cpu[after]}" "$(echo "${cpu[after]} / ${cpu[before]}" | bc -l)" "$rounds"
    rm -rf "$inbox"
done
