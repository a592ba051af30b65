#!/usr/bin/env bash
# CPU time per message of `ingest` (user + system, as the kernel accounts it to the process): on a shared machine it
# moves far less than wall time, since waiting for a core is not counted. For each N a line is staged and ingested
# once; the same staging ingested with an empty Maildir gives the fixed cost (start-up, configuration, store), which
# is subtracted. Growth is linear when the per-message figure stays flat from N to 4N (issue 24).
# Lines (LINE): `default` (benchmarks/ingest.sh's default line: the generator's replies to ticket #2 from the demo's
# people, conversation and commands, one busy ticket) or `mixed` (its mixed workload from 200 senders over 100 tickets,
# every command answered).
# Instruction counts would hold better still, but valgrind 3.19 (Debian 12) stops with an internal SIGSEGV in
# libdispatch on every run of the Swift binary that touches the store, and this virtual machine has no hardware
# performance counters for `perf stat`.
# BEFORE (another release build, e.g. of main): each N is measured with it too, right before GATEWAY on the same files'
# twin, so that a change is compared within one run on a shared machine. ROLLOUT_STAGE_TIMES=1: each run also prints
# the gateway's per-stage CPU time (thread CPU, summed over the run; Sources/RolloutGateway/Services/StageTimes.swift).
# Usage: benchmarks/cpu-per-message.sh [N ...]   (default: 2500 10000)   Environment: GATEWAY (a release build), LINE,
# BEFORE, ROLLOUT_STAGE_TIMES.
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("$@")
[[ $# -eq 0 ]] && counts=(2500 10000)
builds=(${BEFORE:+"$BEFORE"} "${GATEWAY:?set GATEWAY to a release build of rollout-gateway}")
line=${LINE:-default}
source benchmarks/staged-ticket.sh
declare -A base

# `cpu_seconds DIR COUNT`: stages DIR, writes COUNT mails of the line, ingests them and prints the CPU seconds taken.
cpu_seconds() {
    local work=$1 count=$2
    stage_line "$line" "$gateway" "$work" "$count"
    /usr/bin/time -f "%U %S" -o "$work/cpu" "$gateway" ingest --maildir "$work/inbox" 2>"$work/log" >/dev/null
    grep -q 'ingest done' "$work/log" || { echo "ingest failed:" >&2; tail -5 "$work/log" >&2; exit 1; }
    [[ $(ls "$work/inbox/new" | wc -l) -eq 0 ]] || { echo "messages left in new/" >&2; exit 1; }
    awk '{print $1 + $2}' "$work/cpu"
}

for gateway in "${builds[@]}"; do
    base_dir=$(mktemp -d)
    base[$gateway]=$(cpu_seconds "$base_dir" 0)
    rm -rf "$base_dir"
done
for count in "${counts[@]}"; do
    for gateway in "${builds[@]}"; do
        work=$(mktemp -d)
        total=$(cpu_seconds "$work" "$count")
        printf '%-8s N=%-6s CPU %7.2f s (fixed %.2f s): %6.1f µs a message  %s\n' "$line" "$count" "$total" "${base[$gateway]}" \
            "$(echo "($total - ${base[$gateway]}) * 1000000 / $count" | bc -l)" "$([[ $gateway == "${BEFORE:-}" ]] && echo "(BEFORE)")"
        grep '^stage ' "$work/log" | sed 's/^/    /' || true
        rm -rf "$work"
    done
done
