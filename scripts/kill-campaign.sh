#!/usr/bin/env bash
# Kill campaigns (issue 13, SPEC §7 "a crash loses none and repeats at most the one in flight"): a gateway
# command is killed with SIGKILL at random moments, again and again, then allowed to finish; what it left is
# compared with a clean run of the same input on a copy of the same store, at the same injected time.
#
# Usage: scripts/kill-campaign.sh MODE [KILLS]        MODE: ingest | run | send | tick | all   (KILLS default 50)
#   ingest  `ingest --maildir` over N generated replies: each applied once; tickets, history, outbox, seen
#           messages identical to the clean run
#   run     `run` over a real Dovecot on loopback (fetch, apply, move): inbox empty, the processed folder
#           holds every message once, nothing applied twice; the same dumps identical to the clean run
#   send    `send` over smtp-sink -d on loopback: every notification delivered (captured), repeats counted
#           at most one per kill (in the run after it); the captured bytes identical to the clean run's
#   tick    `tick` over M staged tickets at two times (the deadline, the next escalation), in rounds from the
#           same store until the kills add up: each timer fired
#           once; timers, history and outbox identical to the clean run
#
# Environment: GATEWAY (the binary; default the debug build, built when missing), N (messages for
# ingest/run/send), M (tickets for tick), SEED (random seed, default the time), KEEP=1 (keep the scratch
# folder), SEND_REPEATS=enforce|report (default enforce: more than one repeat after a kill fails the campaign; report
# only prints them).
# Only kills that land count: a run that exits by itself before its kill is not a kill. Each phase stops when
# its work is done; if fewer kills landed than asked, the campaign fails (the input was too small).
# Exit status: 0 every check held; 1 a check failed (the figures say which); 2 usage or setup failure.
set -euo pipefail
# A command that fails inside $(…) fails the substitution too (bash runs it without -e otherwise), and so the script.
shopt -s inherit_errexit
# The script's own standard error, for messages from inside a $(…) whose standard error goes to a log.
exec 9>&2
cd "$(dirname "$0")/.."
REPO=$PWD
source scripts/dovecot-conf.sh

MODE=${1:-}
KILLS=${2:-50}
case "$MODE" in ingest | run | send | tick | all) ;; *) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;; esac
[[ "$KILLS" =~ ^[0-9]+$ && "$KILLS" -ge 1 ]] || { echo "KILLS must be a positive number" >&2; exit 2; }
SEED=${SEED:-$(date +%s)}
RANDOM=$SEED
SEND_REPEATS=${SEND_REPEATS:-enforce}
PYTHON=/usr/bin/python3
export PATH="/opt/swift/usr/bin:$PATH"

if [[ -z "${GATEWAY:-}" ]]; then
    GATEWAY="$(swift build --show-bin-path)/rollout-gateway"
    [[ -x "$GATEWAY" ]] || swift build --product rollout-gateway >&2
fi
[[ -x "$GATEWAY" ]] || { echo "no rollout-gateway binary at $GATEWAY" >&2; exit 2; }

SCRATCH=$(mktemp -d /tmp/kill-campaign.XXXXXX)
chmod 755 "$SCRATCH"
CHILDREN=()
cleanup() {
    for pid in "${CHILDREN[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    if [[ "${KEEP:-}" == 1 ]]; then echo "scratch kept in $SCRATCH" >&2; else rm -rf "$SCRATCH"; fi
}
trap cleanup EXIT

FAILED=0
fail() { echo "  FAIL: $*"; FAILED=1; }
pass() { echo "  ok: $*"; }
now_s() { date +%s.%N; }

# ---------------------------------------------------------------------------------------------------------------
# A store and its configuration

# configure DIR [EXTRA-YAML]: DIR/gateway.yaml (the demo configuration, store and outbox in DIR).
configure() {
    local dir=$1 extra=${2:-}
    mkdir -p "$dir"
    sed -e "s|sqlite: ../../demo-out/gateway.sqlite|sqlite: $dir/gateway.sqlite|" \
        -e "s|maildir: ../../demo-out/outbox|maildir: $dir/outbox\n  per_recipient_per_hour: 1000000\n  per_ticket_per_hour: 1000000|" \
        -e "s|\./hooks/|$REPO/fixtures/demo/hooks/|g" fixtures/demo/gateway.yaml > "$dir/gateway.yaml"
    printf '%s\n' "$extra" >> "$dir/gateway.yaml"
}

# gw DIR TIME ARGS…: the gateway on DIR's configuration at an injected time.
gw() {
    local dir=$1 time=$2; shift 2
    RG_HOOK_LOG="$dir/hooks.log" "$GATEWAY" "$@" -c "$dir/gateway.yaml" --now "$time"
}

# stage DIR TICKETS: TICKETS releases staged, each rollout ticket (2, 4, …) with three teams assigned on
# Friday 2026-11-27 15:00 (answers due Monday 15:00).
stage() {
    local dir=$1 count=$2 index
    for index in $(seq 1 "$count"); do
        gw "$dir" 2026-11-27T09:00:00+01:00 release new --stack EMI-1.0 --component "SE-DPM_mysql-$index" \
            --version 1.8.0-1 --os SL5 --arch x86_64 --release-notes a --fixed-bugs b --documentation c >/dev/null 2>&1
        gw "$dir" 2026-11-27T10:00:00+01:00 release stage $((2 * index - 1)) >/dev/null 2>&1
        gw "$dir" 2026-11-27T15:00:00+01:00 apply --ticket $((2 * index)) --as mario.david@lip.example.org \
            "assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2 IBERGRID-LIP-Lisbon" >/dev/null 2>&1
    done
}

# copy_store FROM TO: the same store for the clean run and the campaign (the configuration names its own paths).
copy_store() {
    local from=$1 to=$2
    rm -f "$to"/gateway.sqlite*
    sqlite3 "$from/gateway.sqlite" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
    cp "$from/gateway.sqlite" "$to/gateway.sqlite"
}

sql() { sqlite3 "$1/gateway.sqlite" "$2"; }

# A message committed but not yet moved out of new/ (or the inbox) when the kill came is read again by the next
# run, found seen, and recorded as a duplicate copy (`<id> copy sha256:…`): nothing else. Those rows are counted
# apart (reread), not compared.
REREAD="disposition = 'duplicate' AND instr(message_key, ' copy sha256:') > 0
    AND substr(message_key, 1, instr(message_key, ' copy sha256:') - 1) IN (SELECT message_key FROM messages_seen)"
NOT_REREAD="NOT ($REREAD)"
reread() { sql "$1" "SELECT count(*) FROM messages_seen WHERE $REREAD"; }

# dump DIR TIME: everything a crash could have lost or doubled, in a canonical form: every ticket as
# `tickets show --json`, the timers, the seen messages, the outbox (Message-ID, kind, recipients, bytes digest).
dump() {
    local dir=$1 time=$2 id
    for id in $(sql "$dir" "SELECT id FROM tickets ORDER BY id"); do
        gw "$dir" "$time" tickets show "$id" --json 2>/dev/null
    done
    $PYTHON - "$dir/gateway.sqlite" "$NOT_REREAD" <<'EOF'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
def digest(data): return hashlib.sha256(data).hexdigest()[:16]
print("== timers")
for row in db.execute("SELECT ticket_id, kind, team, due_at, state, settled_at FROM timers ORDER BY ticket_id, kind, team"):
    print(*row, sep="|")
print("== messages seen (without the copies recorded when a kill came between commit and move, see reread)")
for row in db.execute(f"SELECT message_key, ticket_id, sender, disposition, seen_at FROM messages_seen WHERE {sys.argv[2]} ORDER BY message_key"):
    print(*row, sep="|")
print("== attachments")
for row in db.execute("SELECT ticket_id, file_name, size, kind, team, data FROM attachments ORDER BY id"):
    print(*row[:-1], digest(row[-1]), sep="|")
print("== outbox")
for row in db.execute("SELECT message_id, ticket_id, kind, sender, recipients, created_at, data FROM outbox ORDER BY message_id"):
    print(*row[:-1], digest(row[-1]), sep="|")
EOF
}

# compare CLEAN CAMPAIGN TIME: the two dumps must be identical.
compare_dumps() {
    local clean=$1 campaign=$2 time=$3
    dump "$clean" "$time" > "$SCRATCH/dump-clean"
    dump "$campaign" "$time" > "$SCRATCH/dump-campaign"
    local lines
    lines=$(wc -l < "$SCRATCH/dump-clean")
    if cmp -s "$SCRATCH/dump-clean" "$SCRATCH/dump-campaign"; then
        pass "canonical dump identical to the clean run ($lines lines: tickets, history, timers, seen messages, outbox)"
    else
        fail "canonical dump differs from the clean run:"
        diff "$SCRATCH/dump-clean" "$SCRATCH/dump-campaign" | head -20 | sed 's/^/      /'
    fi
}

# ---------------------------------------------------------------------------------------------------------------
# The kill loop

# campaign WANTED WINDOW REMAINING DIR TIME ARGS…: starts the gateway (as `gw DIR TIME ARGS…`), kills it with
# SIGKILL after a random delay in [0, WINDOW) s, and again, until WANTED kills landed or REMAINING (a shell
# expression printing how much work is left: messages not yet recorded, unsent notifications…) says 0. The window
# adapts so that the kills spread over the whole work: it grows by 15 % after a kill that left no progress (it came
# during start-up or before the first commit) and shrinks by a third after one that let more through than the work
# left shared among the kills still to come (and the clean finish); it never grows beyond CAP, the clean run's
# whole time, so that work committed all at once (a tick) is still killed before and after its commit. Sets LANDED (kills that hit a running gateway), EXITED (runs that finished before their kill)
# and WINDOWS (first and last window). The gateway is started through exec, so the signal reaches it, not a shell.
# AFTER_EACH_RUN, when set, is evaluated after each run, its exit status in $status (137: the kill landed).
campaign() {
    local wanted=$1 window=$2 remaining=$3 dir=$4 time=$5; shift 5
    LANDED=0 EXITED=0 WINDOWS=$window
    local pid delay status total before after
    total=$(eval "$remaining")
    before=$total
    while ((LANDED < wanted && before > 0)); do
        env RG_HOOK_LOG="$dir/hooks.log" "$GATEWAY" "$@" -c "$dir/gateway.yaml" --now "$time" >>"$dir/log" 2>&1 &
        pid=$!
        delay=$(awk -v r="$RANDOM" -v s="$RANDOM" -v w="$window" 'BEGIN { printf "%.4f", (r * 32768 + s) / 1073741824 * w }')
        sleep "$delay"
        kill -KILL "$pid" 2>/dev/null || true
        status=0
        wait "$pid" 2>/dev/null || status=$?
        after=$(eval "$remaining")
        if ((status == 137)); then
            LANDED=$((LANDED + 1))
            if ((after == before)); then
                window=$(awk -v w="$window" -v c="$CAP" 'BEGIN { w *= 1.15; if (w > c) w = c; printf "%.4f", w }')
            elif (((before - after) * (wanted - LANDED + 1) > before)); then
                window=$(awk -v w="$window" 'BEGIN { printf "%.4f", w / 1.5 }')
            fi
        else
            EXITED=$((EXITED + 1))
        fi
        if [[ -n "${AFTER_EACH_RUN:-}" ]]; then eval "$AFTER_EACH_RUN"; fi
        before=$after
    done
    WINDOWS="$WINDOWS→$window"
}

# window_of STARTUP WORK KILLS: sets WINDOW, the first window, the start-up time plus the clean run's time per kill (and CAP).
window_of() {
    CAP=$(awk -v s="$1" -v w="$2" 'BEGIN { printf "%.4f", s + w }')
    WINDOW=$(awk -v s="$1" -v w="$2" -v k="$3" 'BEGIN { printf "%.4f", s + w / (k > 0 ? k : 1) }')
}

# time_of COMMAND…: seconds it took (its standard output dropped). A clean run that fails ends the campaign: there
# is nothing to compare the kills with (status 1, said on the script's standard error even when the caller sends
# the command's to a log).
time_of() {
    local start end status=0
    start=$(now_s)
    "$@" >/dev/null || status=$?
    if ((status != 0)); then
        echo "  FAIL: the clean run '${*:4}' in $2 exited $status; the campaign stops here (its log: $2/log)" >&9
        exit 1
    fi
    end=$(now_s)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}

check_kills() {
    local label=$1 wanted=$2
    echo "  kills landed: $LANDED (asked $wanted; $EXITED runs finished before their kill; kill window ${WINDOWS} s; seed $SEED)"
    if ((LANDED < wanted)); then fail "$label: only $LANDED kills landed before the work was done (input too small?)"; fi
}

# ---------------------------------------------------------------------------------------------------------------
# Campaigns

REPLY_TIME=2026-11-30T16:05:00+01:00

ingest_campaign() {
    local n=${N:-3000}
    echo "== ingest --maildir: $n generated replies, $KILLS kills"
    local base=$SCRATCH/ingest-base clean=$SCRATCH/ingest-clean victim=$SCRATCH/ingest-campaign
    configure "$base"; configure "$clean"; configure "$victim"
    stage "$base" 1
    copy_store "$base" "$clean"; copy_store "$base" "$victim"
    $PYTHON benchmarks/generate_replies.py "$n" "$clean/inbox"
    $PYTHON benchmarks/generate_replies.py "$n" "$victim/inbox"

    local work startup
    work=$(time_of gw "$clean" "$REPLY_TIME" ingest --maildir "$clean/inbox" 2>"$clean/log")
    startup=$(time_of gw "$clean" "$REPLY_TIME" ingest --maildir "$clean/inbox" 2>/dev/null)
    echo "  clean run: $work s ($startup s for a run with nothing to do)"
    window_of "$startup" "$work" "$KILLS"
    campaign "$KILLS" "$WINDOW" 'echo $((n - $(sql "$victim" "SELECT count(*) FROM messages_seen WHERE $NOT_REREAD")))' \
        "$victim" "$REPLY_TIME" ingest --maildir "$victim/inbox"
    local left
    left=$(ls "$victim/inbox/new" | wc -l)
    local unrecorded=$((n - $(sql "$victim" "SELECT count(*) FROM messages_seen WHERE $NOT_REREAD")))
    gw "$victim" "$REPLY_TIME" ingest --maildir "$victim/inbox" >>"$victim/log" 2>&1 || fail "the clean finish exited $?"
    check_kills ingest "$KILLS"
    echo "  after the kills: $unrecorded of $n not yet recorded, $left still in new/; then one clean finish"
    local cur failed seen
    cur=$(ls "$victim/inbox/cur" | wc -l)
    failed=$(ls "$victim/inbox/failed" 2>/dev/null | grep -vc '\.reason$' || true)
    seen=$(sql "$victim" "SELECT count(*) FROM messages_seen WHERE $NOT_REREAD")
    echo "  messages: $cur in cur/, $failed in failed/, $seen recorded as seen (clean: $(ls "$clean/inbox/cur" | wc -l), $(sql "$clean" "SELECT count(*) FROM messages_seen"));"
    echo "  read again after a kill between commit and move, recorded as copies: $(reread "$victim")"
    [[ -z "$(ls -A "$victim/inbox/new")" ]] && pass "nothing left in new/" || fail "messages left in new/"
    ((cur + failed == n)) && pass "every message moved out of new/ once" || fail "$((cur + failed)) messages moved, expected $n"
    [[ "$seen" == "$(sql "$clean" "SELECT count(*) FROM messages_seen")" ]] && pass "each message recorded once, as in the clean run" || fail "seen messages differ"
    compare_dumps "$clean" "$victim" "$REPLY_TIME"
}

# A Dovecot on loopback without systemd (as Tests/IntegrationTests/DovecotServer.swift starts it).
DOVECOT_PID=""
start_dovecot() {
    local dir=$1 owner_uid owner_gid owner_name
    if [[ $(id -u) -eq 0 ]]; then owner_uid=8 owner_gid=8 owner_name=mail; else owner_uid=$(id -u) owner_gid=$(id -g) owner_name=$(id -un); fi
    DOVECOT_DIR=$dir DOVECOT_PASSWORD="pw-$RANDOM$RANDOM" DOVECOT_OWNER="$owner_uid:$owner_gid"
    DOVECOT_MAILDIR=$dir/mail/gateway/Maildir
    mkdir -p "$DOVECOT_MAILDIR"/{new,cur,tmp}
    chmod 755 "$dir"
    [[ $(id -u) -eq 0 ]] && chown -R "$DOVECOT_OWNER" "$dir/mail"
    echo "gateway:{PLAIN}$DOVECOT_PASSWORD" > "$dir/passwd"
    DOVECOT_PORT=$($PYTHON -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    local marker="dovecot-kill-$RANDOM"
    write_dovecot_conf "$dir" "$DOVECOT_PORT" "kill-campaign-$DOVECOT_PORT" "$marker" "$owner_uid" "$owner_gid" "$owner_name"
    /usr/sbin/dovecot -F -c "$dir/dovecot.conf" </dev/null >"$dir/dovecot.out" 2>&1 &
    DOVECOT_PID=$!
    CHILDREN+=("$DOVECOT_PID")
    wait_for_greeting "$DOVECOT_PORT" "$marker" 'a LOGOUT' "$DOVECOT_PID" || { cat "$dir/dovecot.out" "$dir/dovecot.log" >&2; exit 2; }
}
stop_dovecot() {
    kill "$DOVECOT_PID" 2>/dev/null || true
    wait "$DOVECOT_PID" 2>/dev/null || true
}

# wait_for_greeting PORT MARKER GOODBYE PID: our server's greeting (not another's on the same port), bounded.
wait_for_greeting() {
    local port=$1 marker=$2 goodbye=$3 pid=$4 line
    for _ in $(seq 1 200); do
        kill -0 "$pid" 2>/dev/null || { echo "server $pid exited" >&2; return 1; }
        if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
            IFS= read -r -t 2 line <&3 || line=""
            printf '%s\r\n' "$goodbye" >&3 || true
            exec 3<&- 3>&-
            [[ "$line" == *"$marker"* ]] && return 0
            echo "port $port answered '$line', not our server" >&2; return 1
        fi
        sleep 0.05
    done
    echo "no greeting on port $port" >&2; return 1
}

# seed_dovecot FROM-MAILDIR: the generated replies into INBOX as an MTA delivers them (tmp/, then new/), in order.
seed_dovecot() {
    local from=$1 name
    for name in $(ls "$from/new" | sort); do
        cp "$from/new/$name" "$DOVECOT_MAILDIR/tmp/$name"
        [[ $(id -u) -eq 0 ]] && chown "$DOVECOT_OWNER" "$DOVECOT_MAILDIR/tmp/$name"
        mv "$DOVECOT_MAILDIR/tmp/$name" "$DOVECOT_MAILDIR/new/${name%%:*}"
    done
}

imap_yaml() {
    echo "gateway:$DOVECOT_PASSWORD" > "$1/imap-credentials"
    printf 'imap:\n  url: imap://127.0.0.1:%s\n  starttls: off\n  credentials_file: %s\n  connections: 2\n  processed_folder: processed\n' \
        "$DOVECOT_PORT" "$1/imap-credentials"
}

inbox_count() { find "$DOVECOT_MAILDIR/new" "$DOVECOT_MAILDIR/cur" -type f | wc -l; }

run_campaign() {
    local n=${N:-2000}
    echo "== run over Dovecot (fetch, apply, move to processed): $n generated replies, $KILLS kills"
    local base=$SCRATCH/run-base clean=$SCRATCH/run-clean victim=$SCRATCH/run-campaign
    configure "$base"
    stage "$base" 1
    $PYTHON benchmarks/generate_replies.py "$n" "$SCRATCH/run-mail"

    start_dovecot "$SCRATCH/dovecot-clean"
    seed_dovecot "$SCRATCH/run-mail"
    configure "$clean" "$(imap_yaml "$SCRATCH/dovecot-clean")"
    copy_store "$base" "$clean"
    local work startup
    work=$(time_of gw "$clean" "$REPLY_TIME" run 2>"$clean/log")
    startup=$(time_of gw "$clean" "$REPLY_TIME" run 2>/dev/null)
    echo "  clean run: $work s ($startup s for a run with nothing to fetch); $(inbox_count) left in its inbox"
    stop_dovecot

    start_dovecot "$SCRATCH/dovecot-campaign"
    seed_dovecot "$SCRATCH/run-mail"
    configure "$victim" "$(imap_yaml "$SCRATCH/dovecot-campaign")"
    copy_store "$base" "$victim"
    window_of "$startup" "$work" "$KILLS"
    campaign "$KILLS" "$WINDOW" 'echo $((n - $(sql "$victim" "SELECT count(*) FROM messages_seen WHERE $NOT_REREAD")))' \
        "$victim" "$REPLY_TIME" run
    local left
    left=$(inbox_count)
    local unrecorded=$((n - $(sql "$victim" "SELECT count(*) FROM messages_seen WHERE $NOT_REREAD")))
    gw "$victim" "$REPLY_TIME" run >>"$victim/log" 2>&1 || fail "the clean finish exited $?"
    check_kills run "$KILLS"
    echo "  after the kills: $unrecorded of $n not yet recorded, $left still in the inbox; then one clean finish"

    local processed=$DOVECOT_MAILDIR/.processed inbox seen total unique
    inbox=$(inbox_count)
    total=$(find "$processed/new" "$processed/cur" -type f | wc -l)
    unique=$(find "$processed/new" "$processed/cur" -type f -exec grep -m1 -i '^Message-ID:' {} + | cut -d: -f2- | sort -u | wc -l)
    seen=$(sql "$victim" "SELECT count(*) FROM messages_seen WHERE $NOT_REREAD")
    echo "  inbox: $inbox; processed: $total messages, $unique distinct Message-IDs; recorded as seen: $seen;"
    echo "  fetched again after a kill between commit and move, recorded as copies: $(reread "$victim")"
    ((inbox == 0)) && pass "nothing left in the inbox" || fail "$inbox messages left in the inbox"
    ((total == n && unique == n)) && pass "the processed folder holds every message once" || fail "processed holds $total messages ($unique distinct), expected $n"
    ((seen == n)) && pass "every message recorded once" || fail "$seen messages recorded, expected $n"
    grep -q 'quarantined=[1-9]' "$victim/log" && fail "messages were quarantined" || true
    compare_dumps "$clean" "$victim" "$REPLY_TIME"
    stop_dovecot
}

# smtp-sink capturing every transaction into DIR/dump (one file each).
SINK_PID=""
start_sink() {
    local dir=$1 marker="sink-kill-$RANDOM"
    mkdir -p "$dir/dump"; chmod 777 "$dir" "$dir/dump"
    SINK_PORT=$($PYTHON -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    local user=()
    [[ $(id -u) -eq 0 ]] && user=(-u nobody)
    /usr/sbin/smtp-sink "${user[@]}" -c -h "$marker" -d "$dir/dump/%Y%m%d%H%M%S." "127.0.0.1:$SINK_PORT" 256 </dev/null >/dev/null 2>&1 &
    SINK_PID=$!
    CHILDREN+=("$SINK_PID")
    wait_for_greeting "$SINK_PORT" "$marker" QUIT "$SINK_PID" || exit 2
}
stop_sink() { kill "$SINK_PID" 2>/dev/null || true; wait "$SINK_PID" 2>/dev/null || true; }

# captures DIR: per captured Message-ID, how often it arrived and a digest of the message as sent (smtp-sink's
# own X- lines and Received header left out).
captures() {
    $PYTHON - "$1" <<'EOF'
import hashlib, os, sys, collections
root = sys.argv[1]
counts, digests = collections.Counter(), {}
for name in os.listdir(root):
    with open(os.path.join(root, name), "rb") as f:
        lines = f.read().split(b"\n")
    start = next((i for i, l in enumerate(lines) if l.startswith(b"Received: ")), None)
    message = lines[start + 3:] if start is not None else lines
    mid = next((l.split(b":", 1)[1].strip().decode() for l in message if l.lower().startswith(b"message-id:")), "?")
    counts[mid] += 1
    digests.setdefault(mid, set()).add(hashlib.sha256(b"\n".join(message)).hexdigest()[:16])
for mid in sorted(counts):
    print(mid.strip("<>"), counts[mid], ",".join(sorted(digests[mid])))
EOF
}

# repeats_so_far DUMP: captures beyond the first of each Message-ID, once the sink is done writing (a kill may
# leave it finishing the message in flight).
repeats_so_far() {
    local before after
    after=$(find "$1" -type f | wc -l)
    until [[ "${before:-}" == "$after" ]]; do
        before=$after
        sleep 0.1
        after=$(find "$1" -type f | wc -l)
    done
    captures "$1" | awk '{ s += $2 - 1 } END { print s + 0 }'
}

send_campaign() {
    local n=${N:-2000}
    echo "== send over smtp-sink: the outbox of $n ingested replies, $KILLS kills"
    local base=$SCRATCH/send-base clean=$SCRATCH/send-clean victim=$SCRATCH/send-campaign
    # Every reply answered and every conversation relayed (the per-sender limits raised): an outbox that grows with
    # N, so that kills land while it is sent (at the defaults a few senders' limits cap it near 200 whatever N).
    configure "$base" "$(printf 'inbound:\n  replies_per_hour: 1000000\n')"
    sed -i 's|^  per_ticket_per_hour: 1000000$|&\n  relays_per_sender_per_hour: 1000000|' "$base/gateway.yaml"
    grep -q '^  relays_per_sender_per_hour: 1000000$' "$base/gateway.yaml" || fail "send: the relay limit was not raised"
    stage "$base" 1
    $PYTHON benchmarks/generate_replies.py "$n" "$base/inbox"
    gw "$base" "$REPLY_TIME" ingest --maildir "$base/inbox" 2>"$base/log"
    local queued
    queued=$(sql "$base" "SELECT count(*) FROM outbox WHERE sent_at IS NULL")

    start_sink "$SCRATCH/sink-clean"
    configure "$clean" "$(printf 'smtp:\n  url: smtp://127.0.0.1:%s/rollout.example.org\n  starttls: off\n' "$SINK_PORT")"
    copy_store "$base" "$clean"
    local work startup
    work=$(time_of gw "$clean" "$REPLY_TIME" send 2>"$clean/log")
    startup=$(time_of gw "$clean" "$REPLY_TIME" send 2>/dev/null)
    stop_sink
    captures "$SCRATCH/sink-clean/dump" > "$SCRATCH/captures-clean"
    echo "  $queued notifications queued; clean run: $work s ($startup s with nothing to send), $(find "$SCRATCH/sink-clean/dump" -type f | wc -l) captured"

    start_sink "$SCRATCH/sink-campaign"
    configure "$victim" "$(printf 'smtp:\n  url: smtp://127.0.0.1:%s/rollout.example.org\n  starttls: off\n' "$SINK_PORT")"
    copy_store "$base" "$victim"
    window_of "$startup" "$work" "$KILLS"
    # After each run, its exit status and the repeats the sink holds so far: a kill may repeat the one message in
    # flight, in the run after it, and nothing else may repeat anything.
    : > "$SCRATCH/repeats-per-run"
    AFTER_EACH_RUN='echo "$status $(repeats_so_far "$SCRATCH/sink-campaign/dump")" >> "$SCRATCH/repeats-per-run"' \
        campaign "$KILLS" "$WINDOW" \
        'sql "$victim" "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL"' \
        "$victim" "$REPLY_TIME" send
    local left
    left=$(sql "$victim" "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL")
    # The finish may meet the backoff of deliveries that failed when the kill cut a session: later times retry them.
    local finish status
    for finish in "$REPLY_TIME" 2026-11-30T18:05:00+01:00 2026-12-01T16:05:00+01:00; do
        status=0
        gw "$victim" "$finish" send >>"$victim/log" 2>&1 || status=$?
        echo "$status $(repeats_so_far "$SCRATCH/sink-campaign/dump")" >> "$SCRATCH/repeats-per-run"
    done
    sleep 0.5
    stop_sink
    check_kills send "$KILLS"
    echo "  still queued after the kills: $left of $queued; then a clean finish"
    captures "$SCRATCH/sink-campaign/dump" > "$SCRATCH/captures-campaign"

    local unsent expected captured distinct repeats most missing changed
    unsent=$(sql "$victim" "SELECT count(*) FROM outbox WHERE sent_at IS NULL")
    expected=$(sql "$victim" "SELECT count(*) FROM outbox")
    captured=$(awk '{ s += $2 } END { print s + 0 }' "$SCRATCH/captures-campaign")
    distinct=$(wc -l < "$SCRATCH/captures-campaign")
    repeats=$((captured - distinct))
    most=$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "$SCRATCH/captures-campaign")
    missing=$(sql "$victim" "SELECT message_id FROM outbox ORDER BY message_id" | sed 's/^<//; s/>$//' | sort |
        comm -23 - <(cut -d' ' -f1 "$SCRATCH/captures-campaign" | sort) | wc -l)
    changed=$(join <(cut -d' ' -f1,3 "$SCRATCH/captures-clean" | sort) <(cut -d' ' -f1,3 "$SCRATCH/captures-campaign" | sort) |
        awk '$2 != $3' | wc -l)
    echo "  outbox: $expected notifications, $unsent not marked sent; sink: $captured captured, $distinct distinct Message-IDs,"
    echo "  $missing missing, $repeats repeats (the most copies of one: $most), kills landed: $LANDED"
    ((unsent == 0)) && pass "every notification marked sent" || fail "$unsent notifications not marked sent"
    ((missing == 0 && distinct == expected)) && pass "every notification delivered" || fail "$missing notifications never delivered ($distinct of $expected)"
    ((changed == 0)) && pass "every delivered message byte-identical to the clean run's" || fail "$changed messages differ from the clean run's"
    [[ "$(wc -l < "$SCRATCH/captures-clean")" == "$expected" && "$(awk '$2 > 1' "$SCRATCH/captures-clean" | wc -l)" == 0 ]] &&
        pass "the clean run delivered each once" || fail "the clean run did not deliver each notification once"
    # At most one repeat per kill: the repeats that appeared during each run, against the kill of the run before it.
    local over
    over=$(awk '{ new = $2 - total; allowed = (previous == 137); if (new > allowed) printf "run %d: %d new repeats after %s; ", NR, new, (allowed ? "one kill" : "no kill"); total = $2; previous = $1 }' "$SCRATCH/repeats-per-run")
    echo "  repeats per run (exit status, repeats so far): $(awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $1, $2 }' "$SCRATCH/repeats-per-run")"
    if [[ -z "$over" ]]; then
        pass "at most one repeat per kill ($repeats repeats, $LANDED kills; none in a run that no kill preceded)"
    elif [[ "$SEND_REPEATS" == report ]]; then
        echo "  REPORTED (SEND_REPEATS=report): more repeats than the kill before them allows: $over"
    else
        fail "a kill repeated more than the message in flight: $over"
    fi
}

tick_campaign() {
    local m=${M:-100}
    local times=(2026-11-30T15:05:00+01:00 2026-12-01T15:05:00+01:00)
    echo "== tick: $m staged tickets, three teams each, no answers; ticks at the deadline (answer deadlines, first escalation) and a working day later (second escalation), $KILLS kills in all"
    local base=$SCRATCH/tick-base clean=$SCRATCH/tick-clean victim=$SCRATCH/tick-campaign
    configure "$base"; configure "$clean"
    stage "$base" "$m"
    copy_store "$base" "$clean"
    local time utc works=() startups=() index
    for time in "${times[@]}"; do
        works+=("$(time_of gw "$clean" "$time" tick 2>>"$clean/log")")
        startups+=("$(time_of gw "$clean" "$time" tick 2>/dev/null)")
        echo "  $time: clean tick ${works[-1]} s (${startups[-1]} s with nothing due)"
    done
    # A tick's work is small: when it is done before the kills add up, the campaign plays it again from the same
    # store (a round), each round compared with the clean run.
    local total_landed=0 total_exited=0 windows=() per_step step round=0
    while ((total_landed < KILLS && round < 10)); do
        round=$((round + 1))
        rm -rf "$victim"; configure "$victim"; copy_store "$base" "$victim"
        step=0
        for index in "${!times[@]}"; do
            time=${times[$index]}
            # The kills still wanted, shared among the ticks still to come.
            per_step=$(((KILLS - total_landed + ${#times[@]} - step - 1) / (${#times[@]} - step)))
            step=$((step + 1))
            window_of "${startups[$index]}" "${works[$index]}" "$per_step"
            utc=$(date -u -d "$time" '+%Y-%m-%d %H:%M:%S.999')
            campaign "$per_step" "$WINDOW" \
                'sql "$victim" "SELECT count(*) FROM timers WHERE state = '"'pending'"' AND due_at <= '"'$utc'"'"' \
                "$victim" "$time" tick
            ((per_step > 0)) && windows+=("$WINDOWS")
            gw "$victim" "$time" tick >>"$victim/log" 2>&1 || fail "the clean finish at $time exited $?"
            echo "  round $round, $time: $LANDED kills landed (asked $per_step), $EXITED runs finished before their kill"
            total_landed=$((total_landed + LANDED)) total_exited=$((total_exited + EXITED))
        done
        local fired clean_fired pending history clean_history
        fired=$(sql "$victim" "SELECT count(*) FROM timers WHERE state = 'fired'")
        clean_fired=$(sql "$clean" "SELECT count(*) FROM timers WHERE state = 'fired'")
        pending=$(sql "$victim" "SELECT count(*) FROM timers WHERE state = 'pending' AND due_at <= '$(date -u -d "${times[-1]}" '+%Y-%m-%d %H:%M:%S.999')'")
        history=$(sql "$victim" "SELECT count(*) FROM history WHERE cause_kind = 'timer'")
        clean_history=$(sql "$clean" "SELECT count(*) FROM history WHERE cause_kind = 'timer'")
        echo "  round $round: timers fired $fired (clean $clean_fired), due and still pending $pending; history entries caused by timers $history (clean $clean_history)"
        ((fired == clean_fired && fired > 0)) && pass "each timer fired once, as in the clean run" || fail "fired timers differ from the clean run"
        ((pending == 0)) && pass "no due timer left pending" || fail "$pending due timers still pending"
        ((history == clean_history)) && pass "timer history as in the clean run" || fail "timer history differs"
        compare_dumps "$clean" "$victim" "${times[-1]}"
    done
    LANDED=$total_landed EXITED=$total_exited WINDOWS="${windows[*]}"
    check_kills tick "$KILLS"
    echo "  rounds: $round"
}

echo "kill campaign: $MODE, $KILLS kills each, seed $SEED, $GATEWAY"
started=$(now_s)
case "$MODE" in
    all) ingest_campaign; run_campaign; send_campaign; tick_campaign ;;
    *) "${MODE}_campaign" ;;
esac
echo "kill campaign $MODE: $( ((FAILED)) && echo FAILED || echo passed) in $(awk -v a="$started" -v b="$(now_s)" 'BEGIN { printf "%.0f", b - a }') s"
exit $FAILED
