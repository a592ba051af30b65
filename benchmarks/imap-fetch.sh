#!/usr/bin/env bash
# IMAP fetch throughput: mbsync (isync, pipelined) against rollout-gateway's IMAPFetcher (libcurl, one round
# trip per batch of messages, N connections), both reading one mailbox of COUNT realistic ~3 KB replies from a Dovecot
# started here on a free loopback port (no systemd; the same set-up as Tests/IntegrationTests/DovecotServer.swift).
#
# Usage: benchmarks/imap-fetch.sh [COUNT [CONNECTIONS...]]   (defaults: 10000, connections 2 4 8; 1 is always run)
# Last, once: fetch-and-apply, a whole `rollout-gateway run` (fetch, apply on SQLite, move to processed) over the same mailbox.
# Environment: REPEAT (best of, default 3; runs go round robin), SCRATCH (build folder, default .build-imap).
#
# Fairness: mbsync copies with BODY.PEEK (no flag change), with FSync no and into tmpfs, so that neither side
# pays for the local disk. The gateway reads with BODY.PEEK[] too (only messages too large to batch get \Seen); \Seen
# is removed before every gateway run all the same, so that each run starts from unseen mail, as in production.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/dovecot-conf.sh

COUNT=${1:-10000}
shift || true
CONNECTIONS=("${@:-2 4 8}")
[[ $# -eq 0 ]] && CONNECTIONS=(2 4 8)
REPEAT=${REPEAT:-3}
SCRATCH=${SCRATCH:-.build-imap}

echo "building rollout-bench and rollout-gateway (release, --scratch-path $SCRATCH)…" >&2
swift build -c release --scratch-path "$SCRATCH" --product rollout-bench >&2
swift build -c release --scratch-path "$SCRATCH" --product rollout-gateway >&2
BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)"
BENCH="$BIN/rollout-bench"

WORK=$(mktemp -d /tmp/rollout-imap-bench.XXXXXX)
chmod 755 "$WORK"
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
MARKER="bench-dovecot-$$"
USER_NAME=gateway
PASSWORD="bench-$RANDOM$RANDOM"

# Dovecot refuses uid 0 for mail: as root, Debian's `mail` user owns the mail and runs the unprivileged processes.
if [ "$(id -u)" -eq 0 ]; then
    MAIL_USER=mail
else
    MAIL_USER=$(id -un)
fi
MAIL_UID=$(id -u "$MAIL_USER")
MAIL_GID=$(id -g "$MAIL_USER")
MAILDIR="$WORK/mail/$USER_NAME/Maildir"
mkdir -p "$MAILDIR/new" "$MAILDIR/cur" "$MAILDIR/tmp"
echo "$USER_NAME:{PLAIN}$PASSWORD" > "$WORK/passwd"
write_dovecot_conf "$WORK" "$PORT" "rollout-bench-$PORT" "$MARKER" "$MAIL_UID" "$MAIL_GID" "$MAIL_USER"

echo "seeding $COUNT messages…" >&2
/usr/bin/python3 benchmarks/generate_replies.py "$COUNT" "$WORK/generated"
rmdir "$MAILDIR/new" && mv "$WORK/generated/new" "$MAILDIR/new"  # (a glob of 40,000 names is too long for mv)
chown -R "$MAIL_UID:$MAIL_GID" "$WORK/mail"
SIZE_KB=$(du -sk "$MAILDIR/new" | cut -f1)

/usr/sbin/dovecot -F -c "$WORK/dovecot.conf" </dev/null >"$WORK/dovecot.out" 2>&1 &
DOVECOT_PID=$!
stop_dovecot() {
    kill "$DOVECOT_PID" 2>/dev/null || true
    wait "$DOVECOT_PID" 2>/dev/null || true
    rm -rf "$WORK"
    case "${NEAR_ROOT:-}" in /dev/shm/rollout-imap-bench.*) rm -rf "$NEAR_ROOT" ;; esac
}
trap stop_dovecot EXIT

# Wait (bounded) for *our* greeting.
ready=""
for _ in $(seq 1 100); do
    if ! kill -0 "$DOVECOT_PID" 2>/dev/null || [ "$(ps -o stat= -p "$DOVECOT_PID" | cut -c1)" = "Z" ]; then
        echo "dovecot exited: $(cat "$WORK/dovecot.out" "$WORK/dovecot.log" 2>/dev/null)" >&2; exit 1
    fi
    if { exec 3<>"/dev/tcp/127.0.0.1/$PORT"; } 2>/dev/null; then
        IFS= read -r -t 2 line <&3 || line=""
        printf 'a LOGOUT\r\n' >&3 || true
        exec 3<&- 3>&-
        case "$line" in "* OK"*"$MARKER"*) ready=1; break ;; esac
        echo "port $PORT answered '$line', not our dovecot" >&2; exit 1
    fi
    sleep 0.05
done
[ -n "$ready" ] || { echo "dovecot gave no greeting on port $PORT" >&2; exit 1; }

# Warm-up, not timed: the first SELECT moves new/ to cur/ and builds Dovecot's index.
curl -s -u "$USER_NAME:$PASSWORD" "imap://127.0.0.1:$PORT/INBOX" -X NOOP >/dev/null

now() { date +%s.%N; }
best() { sort -g | tail -1; }

echo "dovecot on 127.0.0.1:$PORT; $COUNT messages, $SIZE_KB KiB; best of $REPEAT runs each" >&2

# mbsync: pull INBOX into a fresh local Maildir, on tmpfs where there is one: creating files on this machine's
# disk took 0.1-0.6 ms each (strace: openat) depending on what else was writing, and made mbsync's rate swing
# between 2,000 and 25,000 msg/s; on tmpfs it measures the fetch.
NEAR_ROOT="$WORK"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    NEAR_ROOT=$(mktemp -d /dev/shm/rollout-imap-bench.XXXXXX)
fi
run_mbsync() {
    local LOCAL="$NEAR_ROOT/mbsync-local"
    rm -rf "$LOCAL"
    mkdir -p "$LOCAL"
    cat > "$WORK/mbsyncrc" <<EOF
FSync no

IMAPAccount bench
Host 127.0.0.1
Port $PORT
User $USER_NAME
Pass $PASSWORD
SSLType None
AuthMechs LOGIN

IMAPStore bench-far
Account bench

MaildirStore bench-near
Path $LOCAL/
Inbox $LOCAL/INBOX

Channel bench
Far :bench-far:
Near :bench-near:
Patterns INBOX
Sync Pull
Create Near
SyncState *
EOF
    local start end copied
    start=$(now)
    mbsync -q -c "$WORK/mbsyncrc" bench 2>/dev/null  # (it warns that the password goes in clear: loopback)
    end=$(now)
    copied=$(find "$LOCAL/INBOX" -type f \( -path '*/cur/*' -o -path '*/new/*' \) | wc -l)
    [ "$copied" -eq "$COUNT" ] || { echo "mbsync copied $copied of $COUNT messages" >&2; exit 1; }
    awk -v n="$COUNT" -v a="$start" -v b="$end" 'BEGIN { printf "mbsync:                 %d messages in %.3f s = %.0f msg/s\n", n, b - a, n / (b - a) }' >&2
    MBSYNC_RATES+=("$(awk -v n="$COUNT" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }')")
    rm -rf "$LOCAL"
}

# The gateway with N connections, on unseen mail.
declare -A GATEWAY_RATES
run_gateway() {
    local connections=$1 output fetched
    doveadm -c "$WORK/dovecot.conf" flags remove -u "$USER_NAME" '\Seen' mailbox INBOX ALL
    output=$("$BENCH" imap-fetch --url "imap://127.0.0.1:$PORT" --user "$USER_NAME" --password "$PASSWORD" \
        --mailbox INBOX --connections "$connections")
    echo "$output" >&2
    fetched=$(echo "$output" | sed -n 's/^rollout-gateway fetch: \([0-9]*\) messages.*/\1/p')
    [ "$fetched" = "$COUNT" ] || { echo "the gateway fetched $fetched of $COUNT messages" >&2; exit 1; }
    GATEWAY_RATES[$connections]+=" $(echo "$output" | sed -n 's/.*= \([0-9.]*\) msg\/s.*/\1/p')"
}

# Round robin, so that a change in the machine's load (shared cores) does not favour one side.
ALL_CONNECTIONS=(1)
for connections in "${CONNECTIONS[@]}"; do [ "$connections" != 1 ] && ALL_CONNECTIONS+=("$connections"); done
MBSYNC_RATES=()
for run in $(seq 1 "$REPEAT"); do
    run_mbsync
    for connections in "${ALL_CONNECTIONS[@]}"; do run_gateway "$connections"; done
done
MBSYNC_RATE=$(printf '%s\n' "${MBSYNC_RATES[@]}" | best)

echo
printf 'mbsync (pipelined, 1 connection):         %6.0f msg/s   (runs: %s)\n' "$MBSYNC_RATE" "${MBSYNC_RATES[*]}"
for connections in "${ALL_CONNECTIONS[@]}"; do
    rate=$(printf '%s\n' ${GATEWAY_RATES[$connections]} | best)
    awk -v g="$rate" -v m="$MBSYNC_RATE" -v c="$connections" -v runs="${GATEWAY_RATES[$connections]# }" \
        'BEGIN { printf "rollout-gateway fetch, %d connection(s):  %6.0f msg/s = %.2f x mbsync   (runs: %s)\n", c, g, g / m, runs }'
done

# Fetch-and-apply, once (it empties the inbox): `rollout-gateway run` with the demo configuration on a fresh SQLite
# store, one staged-rollout ticket (#2) with three teams assigned (benchmarks/staged-ticket.sh).
doveadm -c "$WORK/dovecot.conf" flags remove -u "$USER_NAME" '\Seen' mailbox INBOX ALL
APPLY="$WORK/apply"
mkdir -p "$APPLY"
source benchmarks/staged-ticket.sh
stage_ticket "$BIN/rollout-gateway" "$APPLY"
cat >> "$APPLY/gateway.yaml" <<EOF
imap:
  url: imap://127.0.0.1:$PORT
  starttls: "off"
  mailbox: INBOX
  processed_folder: processed
  connections: 2
EOF
export ROLLOUT_IMAP_USER="$USER_NAME" ROLLOUT_IMAP_PASSWORD="$PASSWORD"
start=$(now)
"$BIN/rollout-gateway" run 2>"$APPLY/run.log" || { echo "run failed: $(tail -3 "$APPLY/run.log")" >&2; exit 1; }
end=$(now)
tail -1 "$APPLY/run.log" >&2
left=$(doveadm -c "$WORK/dovecot.conf" search -u "$USER_NAME" mailbox INBOX ALL | wc -l)
[ "$left" -eq 0 ] || { echo "fetch-and-apply left $left messages in INBOX" >&2; exit 1; }
awk -v n="$COUNT" -v a="$start" -v b="$end" -v m="$MBSYNC_RATE" \
    'BEGIN { printf "rollout-gateway run (fetch and apply, 2 connections, SQLite): %6.0f msg/s = %.2f x mbsync\n", n / (b - a), n / (b - a) / m }'
