#!/usr/bin/env bash
# Whether two builds queue the same outbox, byte for byte (issue 24: a speed change must not change a byte of any
# outgoing message, nor the fingerprint of its text). Each build stages its own store (benchmarks/staged-ticket.sh; the
# clock is fixed, so Message-IDs and dates agree), ingests the same generated mail, and the outbox rows are dumped with
# sqlite3: Message-ID, kind, recipients, the bytes and the stored text fingerprint. Exits 1 on any difference.
# Usage: benchmarks/outbox-identity.sh BEFORE AFTER [N]   (N: messages of each line, default 2000; lines default and mixed)
set -euo pipefail
cd "$(dirname "$0")/.."
before=${1:?usage: $0 BEFORE AFTER [N]} after=${2:?usage: $0 BEFORE AFTER [N]} count=${3:-2000}
source benchmarks/staged-ticket.sh
status=0
for line in default mixed; do
    for build in before after; do
        gateway=${!build}
        work=$(mktemp -d)
        stage_line "$line" "$gateway" "$work" "$count"
        "$gateway" ingest --maildir "$work/inbox" 2>"$work/log" >/dev/null
        grep -q 'ingest done' "$work/log" || { echo "$build: ingest failed" >&2; tail -5 "$work/log" >&2; exit 1; }
        sqlite3 "$work/gateway.sqlite" \
            "SELECT message_id, kind, recipients, hex(data), hex(text_fingerprint) FROM outbox ORDER BY message_id" > "/tmp/outbox-$build.$$"
        rm -rf "$work"
    done
    rows=$(wc -l < "/tmp/outbox-before.$$")
    if cmp -s "/tmp/outbox-before.$$" "/tmp/outbox-after.$$"; then
        echo "$line N=$count: $rows outbox rows, the same bytes and fingerprints from both builds"
    else
        echo "$line N=$count: the outboxes differ ($rows rows before, $(wc -l < "/tmp/outbox-after.$$") after)"
        status=1
    fi
    rm -f "/tmp/outbox-before.$$" "/tmp/outbox-after.$$"
done
exit $status
