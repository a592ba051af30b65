#!/usr/bin/env bash
# Instructions per message of `ingest`, counted by callgrind (valgrind): a figure that holds on a shared, noisy machine,
# for before/after comparisons and for how the cost grows with N (issue 24). For each N, a line (default: the default
# line of benchmarks/ingest.sh: the generator's replies to ticket #2 from the demo's people; `mixed`: its mixed workload
# from 200 senders over 100 tickets) is staged and ingested once under callgrind; the same staging ingested with an empty
# Maildir gives the fixed cost (start-up, configuration, store), which is subtracted.
# Prints total instructions, instructions per message, and the share of the functions named in FUNCTIONS (inclusive).
# Usage: benchmarks/callgrind-ingest.sh [N ...]   (default: 250 1000)
# Environment: GATEWAY (a release build of rollout-gateway, required; valgrind 3.19 cannot read the debug information
# of Swift's release builds: give it a copy stripped with `strip -g`, whose symbols still name the functions); LINE (default or mixed); KEEP (a folder to keep
# the callgrind.out files in).
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("$@")
[[ $# -eq 0 ]] && counts=(250 1000)
gateway=${GATEWAY:?set GATEWAY to a release build of rollout-gateway}
line=${LINE:-default}
source benchmarks/staged-ticket.sh
functions=${FUNCTIONS:-"relayedComments history(of: NotificationRenderer.render textFingerprint answerCount String.lowercased"}
# Swift's names demangled when swift-demangle is at hand (Swift's toolchain), else left mangled.
demangle=$(command -v swift-demangle || ls /opt/swift/usr/bin/swift-demangle 2>/dev/null || echo cat)
[[ $demangle != cat ]] && demangle="$demangle --simplified"

# `instructions DIR COUNT`: stages DIR, writes COUNT mails of the line and prints the instructions `ingest` took.
instructions() {
    local work=$1 count=$2
    if [[ $line == mixed ]]; then
        stage_many_tickets "$gateway" "$work" 200 100
        python3 benchmarks/generate_replies.py --mixed 7 200 100 "$count" "$work/inbox"
    else
        stage_ticket "$gateway" "$work"
        python3 benchmarks/generate_replies.py "$count" "$work/inbox"
    fi
    valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" "$gateway" ingest --maildir "$work/inbox" 2>"$work/log" >/dev/null
    grep -q 'ingest done' "$work/log" || { echo "ingest failed:" >&2; tail -5 "$work/log" >&2; exit 1; }
    grep -o 'summary: [0-9]*' "$work/callgrind.out" | cut -d' ' -f2
}

base_dir=$(mktemp -d)
base=$(instructions "$base_dir" 0)
for count in "${counts[@]}"; do
    work=$(mktemp -d)
    total=$(instructions "$work" "$count")
    printf '%-8s N=%-6s instructions %14s, fixed %12s, per message %10.0f\n' "$line" "$count" "$total" "$base" \
        "$(echo "($total - $base) / $count" | bc -l)"
    callgrind_annotate --inclusive=yes "$work/callgrind.out" 2>/dev/null | $demangle > "$work/annotated"
    for name in $functions; do
        share=$(grep -F "$name" "$work/annotated" | head -1 | awk '{print $1, $2}')
        [[ -n $share ]] && printf '    %-18s %s\n' "$name" "$share"
    done
    [[ -n "${KEEP:-}" ]] && cp "$work/callgrind.out" "$KEEP/callgrind-$line-$count.out"
    rm -rf "$work"
done
rm -rf "$base_dir"
