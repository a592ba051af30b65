#!/usr/bin/env bash
# SMTP send throughput: Postfix's smtp-source against rollout-gateway's SMTPTransport (libcurl),
# both into one smtp-sink on a free loopback port, one connection each (smtp-source -s1 -d).
# Usage: benchmarks/smtp-send.sh [COUNT [SIZE [RCPT]]]   (defaults 5000 3300 2)
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${1:-5000}
SIZE=${2:-3300}
RCPT=${3:-2}
SCRATCH=${SCRATCH:-.build-curl}

echo "building rollout-bench (release, --scratch-path $SCRATCH)…" >&2
swift build -c release --scratch-path "$SCRATCH" --product rollout-bench >&2
BENCH="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/rollout-bench"

PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
MARKER="bench-sink-$$"
SINK_USER=()
if [ "$(id -u)" -eq 0 ]; then SINK_USER=(-u nobody); fi

# No -d: capturing to disk would measure the disk, not the client.
/usr/sbin/smtp-sink "${SINK_USER[@]}" -h "$MARKER" "127.0.0.1:$PORT" 256 </dev/null >/dev/null 2>&1 &
SINK_PID=$!
stop_sink() {
    kill "$SINK_PID" 2>/dev/null || true
    wait "$SINK_PID" 2>/dev/null || true
}
trap stop_sink EXIT

# smtp-sink loops instead of failing on a busy port: wait for *our* greeting (bounded).
ready=""
for _ in $(seq 1 100); do
    if ! kill -0 "$SINK_PID" 2>/dev/null || [ "$(ps -o stat= -p "$SINK_PID" | cut -c1)" = "Z" ]; then
        echo "smtp-sink exited" >&2; exit 1
    fi
    if exec 3<>"/dev/tcp/127.0.0.1/$PORT" 2>/dev/null; then
        IFS= read -r -t 2 line <&3 || line=""
        printf 'QUIT\r\n' >&3 || true
        exec 3<&- 3>&-
        case "$line" in "220 $MARKER"*) ready=1; break ;; esac
        echo "port $PORT answered '$line', not our smtp-sink" >&2; exit 1
    fi
    sleep 0.05
done
[ -n "$ready" ] || { echo "smtp-sink gave no greeting on port $PORT" >&2; exit 1; }

now() { date +%s.%N; }

echo "smtp-sink on 127.0.0.1:$PORT; $COUNT messages, $SIZE bytes of body, $RCPT recipients each, one connection" >&2

start=$(now)
/usr/sbin/smtp-source -s 1 -d -m "$COUNT" -l "$SIZE" -r "$RCPT" -M bench.example.org \
    -f gateway-bounces@bench.example.org -t rcpt@bench.example.org "127.0.0.1:$PORT"
end=$(now)
SOURCE_RATE=$(awk -v n="$COUNT" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }')
awk -v n="$COUNT" -v a="$start" -v b="$end" -v r="$SOURCE_RATE" \
    'BEGIN { printf "smtp-source:     %d messages in %.3f s = %d msg/s\n", n, b - a, r }'

OUTPUT=$("$BENCH" smtp-send --url "smtp://127.0.0.1:$PORT/bench.example.org" --count "$COUNT" --size "$SIZE" --rcpt "$RCPT")
echo "$OUTPUT"
GATEWAY_RATE=$(echo "$OUTPUT" | sed -n 's/.*= \([0-9.]*\) msg\/s.*/\1/p')

awk -v g="$GATEWAY_RATE" -v s="$SOURCE_RATE" 'BEGIN { printf "ratio rollout-gateway / smtp-source = %.2f\n", g / s }'

# The whole `send`: the same messages queued in a SQLite outbox, every outcome recorded in the store.
OUTPUT=$("$BENCH" smtp-send --outbox --url "smtp://127.0.0.1:$PORT/bench.example.org" --count "$COUNT" --size "$SIZE" --rcpt "$RCPT")
echo "$OUTPUT"
OUTBOX_RATE=$(echo "$OUTPUT" | sed -n 's/.*= \([0-9.]*\) msg\/s.*/\1/p')
awk -v g="$OUTBOX_RATE" -v s="$SOURCE_RATE" 'BEGIN { printf "ratio rollout-gateway send (outbox) / smtp-source = %.2f\n", g / s }'
