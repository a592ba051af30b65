#!/usr/bin/env bash
# Ingest benchmark (issue "Mail in"): N generated replies in a Maildir, ingested on SQLite by a release
# build of rollout-gateway; beside it, Python's email parser reading the same files (parse only).
# Prints messages/s and peak RSS for both. Usage: benchmarks/ingest.sh [N ...]   (default: 1000 10000)
# A second line per N ingests N command mails from 200 senders (200 teams) over 50 tickets with
# `inbound.replies_per_hour` raised, so that every message is answered (a transcript each): its cost must stay
# linear in N (the per-sender answer count once read every answer of the hour).
# Environment: SCRATCH (build folder, default .build); LINES (default "default answered": which lines to run).
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("${@:-1000 10000}")
[[ $# -eq 0 ]] && counts=(1000 10000)
SCRATCH=${SCRATCH:-.build}
swift build -c release --scratch-path "$SCRATCH" --product rollout-gateway >/dev/null
gateway="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/rollout-gateway"
python=/usr/bin/python3
source benchmarks/staged-ticket.sh

lines=" ${LINES:-default answered} "

for count in "${counts[@]}"; do
  if [[ $lines == *" default "* ]]; then
    work=$(mktemp -d)
    stage_ticket "$gateway" "$work"
    $python benchmarks/generate_replies.py "$count" "$work/inbox"
    size=$(du -sk "$work/inbox/new" | cut -f1)

    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$work/rss" "$gateway" ingest --maildir "$work/inbox" 2>"$work/log"
    end=$(date +%s.%N)
    rss=$(cat "$work/rss")
    applied=$(ls "$work/inbox/cur" | wc -l)
    rate=$(echo "$applied / ($end - $start)" | bc -l)

    # The reference reads the same files (moved to cur/ by the gateway; put them back for it).
    find "$work/inbox/cur" -type f -exec mv -t "$work/inbox/new/" {} +  # (no glob: 40,000 names overflow the argument list)
    reference=$(/usr/bin/time -f "%M" -o "$work/rss-python" $python benchmarks/python_email_parse.py "$work/inbox")
    python_rate=$(echo "$reference" | sed -E 's/.* = ([0-9]+) msg\/s/\1/')
    printf 'N=%-6s (%s KiB)  rollout-gateway ingest: %6.0f msg/s, peak RSS %5.1f MB | python email (parse only): %6s msg/s, peak RSS %5.1f MB | ratio %.2f\n' \
        "$count" "$size" "$rate" "$(echo "$rss / 1024" | bc -l)" "$python_rate" "$(echo "$(cat "$work/rss-python") / 1024" | bc -l)" \
        "$(echo "$rate / $python_rate" | bc -l)"
    grep -o 'ingest done.*' "$work/log" | sed 's/^/    /'
    rm -rf "$work"
  fi
  if [[ $lines == *" answered "* ]]; then
    work=$(mktemp -d)
    stage_many_tickets "$gateway" "$work" 200 50
    $python benchmarks/generate_replies.py --answered 200 50 "$count" "$work/inbox"
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$work/rss" "$gateway" ingest --maildir "$work/inbox" 2>"$work/log"
    end=$(date +%s.%N)
    answers=$(grep -o 'answers-queued=[0-9]*' "$work/log" | tail -1 | cut -d= -f2)
    printf 'N=%-6s every message answered (200 senders, 50 tickets): %6.2f s, %6.0f msg/s, %s answers, peak RSS %5.1f MB\n' \
        "$count" "$(echo "$end - $start" | bc -l)" "$(echo "$count / ($end - $start)" | bc -l)" "$answers" \
        "$(echo "$(cat "$work/rss") / 1024" | bc -l)"
    rm -rf "$work"
  fi
done
