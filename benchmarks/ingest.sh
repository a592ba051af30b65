#!/usr/bin/env bash
# Ingest benchmark (issue "Mail in"): N generated replies in a Maildir, ingested on SQLite by a release
# build of rollout-gateway; beside it, Python's email parser reading the same files (parse only).
# Prints messages/s and peak RSS for both. Usage: benchmarks/ingest.sh [N ...]   (default: 1000 10000)
# A second line per N ingests N command mails from 200 senders (200 teams) over 50 tickets with
# `inbound.replies_per_hour` raised, so that every message is answered (a transcript each): its cost must stay
# linear in N (the per-sender answer count once read every answer of the hour).
# A third line (`two`, PostgreSQL only) ingests the answered line's N messages split between two processes on the one
# database at once (every second message to each, so both work on the same tickets), for the wall time of the two
# against the one process of the answered line: several instances must not be slower than one.
# A fourth line (`mixed`, issue 24) ingests the generator's mixed workload from 200 senders over 100 tickets, every
# command answered, with the Python reference on the same files. Its last line splits the CPU time: the gateway's
# (user and system, with rss-split.sh's sampling, a few ms a second) and, on PostgreSQL, the server's over the same run.
# A fifth line (`tick`, issue 24) times `tick` firing 1,200 due timers over 300 tickets, then with nothing due; then
# (SQLite) 1,200 / 4,000 due timers over 300 / 1,000 tickets and nothing due over 10,000, staged by a SQL fixture.
# Environment: SCRATCH (build folder, default .build); GATEWAY (a rollout-gateway binary to run instead of building one);
# GATEWAY_BEFORE (another binary the tick line's fixture cases also run, for before/after in one run); TICK_CLI_STAGED=0
# (the tick line without its first part, 300 tickets staged by 900 CLI runs); TICK_SHAPES (its fixture cases,
# "TICKETS TEAMS due|none" separated by commas); LINES (default "default answered", or with `two`, `mixed`, `tick`: which lines
# to run).
# --store postgresql: each N is also ingested on PostgreSQL (a server started here by initdb/pg_ctl as the postgres
# user, on loopback, with PostgreSQL's default durability: fsync and synchronous commit on), beside SQLite.
# PG_SERVER_OPTIONS: more server settings for that server (e.g. "-c log_statement=all" to count the statements);
# PG_LOG_KEEP: a file the server log is copied to at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
stores=(sqlite)
if [[ "${1:-}" == "--store" ]]; then
    [[ "${2:-}" == "postgresql" ]] || { echo "usage: $0 [--store postgresql] [N ...]" >&2; exit 64; }
    stores=(sqlite postgresql)
    shift 2
fi
counts=("$@")
[[ $# -eq 0 ]] && counts=(1000 10000)
SCRATCH=${SCRATCH:-.build}
if [[ -n "${GATEWAY:-}" ]]; then
    gateway=$GATEWAY  # a binary built before (a debug build is slower: compare only figures of one run)
else
    # Built as `make release` builds the binary people install (the Swift runtime linked in).
    swift build -c release --static-swift-stdlib --scratch-path "$SCRATCH" --product rollout-gateway >/dev/null
    gateway="$(swift build -c release --static-swift-stdlib --scratch-path "$SCRATCH" --show-bin-path)/rollout-gateway"
fi
python=/usr/bin/python3
source benchmarks/staged-ticket.sh

if [[ " ${stores[*]} " == *" postgresql "* ]]; then
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    pgdir=$(mktemp -d)
    chmod 755 "$pgdir"
    as_pg=(); [[ $(id -u) -eq 0 ]] && { chown postgres "$pgdir"; as_pg=(runuser -u postgres --); }
    export ROLLOUT_STORE_PASSWORD="bench-$RANDOM$RANDOM"
    echo "$ROLLOUT_STORE_PASSWORD" > "$pgdir/pw"; [[ $(id -u) -eq 0 ]] && chown postgres "$pgdir/pw"
    "${as_pg[@]}" "$pgbin/initdb" -D "$pgdir/data" -U rollout --pwfile "$pgdir/pw" --auth-local trust --auth-host scram-sha-256 >/dev/null
    pgport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -o "-c listen_addresses=127.0.0.1 -p $pgport -k $pgdir ${PG_SERVER_OPTIONS:-}" -w start >/dev/null
    trap '"${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m fast stop >/dev/null; [[ -n "${PG_LOG_KEEP:-}" ]] && cp "$pgdir/log" "$PG_LOG_KEEP"; rm -rf "$pgdir"' EXIT
fi

# `server_cpu`: CPU seconds the PostgreSQL server has used so far (its live processes' user + system time, and the
# postmaster's of its children that ended), for the share of a line's wall time spent in the server.
server_cpu() {
    local postmaster ticks=0 pid
    postmaster=$(head -1 "$pgdir/data/postmaster.pid")
    for pid in $postmaster $(pgrep -P "$postmaster"); do
        [[ -r /proc/$pid/stat ]] || continue
        # Fields after the command's closing parenthesis: utime, stime, cutime, cstime are the 12th to 15th.
        ticks=$((ticks + $(sed -E 's/.*\) //' "/proc/$pid/stat" | awk -v p="$pid" -v m="$postmaster" '{print $12 + $13 + (p == m ? $14 + $15 : 0)}')))
    done
    echo "$ticks / $(getconf CLK_TCK)" | bc -l
}

# `fresh_store STORE`: the store of the next line: a new PostgreSQL database (STORE_URL), or each line's own SQLite file.
fresh_store() {
    if [[ $1 == postgresql ]]; then
        local database="bench_$((++databases))"
        "${as_pg[@]}" "$pgbin/psql" -h "$pgdir" -p "$pgport" -U rollout -d postgres -qc "CREATE DATABASE $database"
        export STORE_URL="postgresql://rollout@127.0.0.1:$pgport/$database"
    else
        unset STORE_URL
    fi
}
databases=0
lines=" ${LINES:-default answered} "

for count in "${counts[@]}"; do
  for store in "${stores[@]}"; do
    if [[ $lines == *" default "* ]]; then
    work=$(mktemp -d)
    fresh_store "$store"
    stage_ticket "$gateway" "$work"
    $python benchmarks/generate_replies.py "$count" "$work/inbox"
    size=$(du -sk "$work/inbox/new" | cut -f1)

    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$work/rss" benchmarks/rss-split.sh "$gateway" ingest --maildir "$work/inbox" 2>"$work/log"
    end=$(date +%s.%N)
    rss=$(cat "$work/rss")
    applied=$(ls "$work/inbox/cur" | wc -l)
    rate=$(echo "$applied / ($end - $start)" | bc -l)

    # The reference reads the same files (moved to cur/ by the gateway; put them back for it).
    find "$work/inbox/cur" -type f -exec mv -t "$work/inbox/new/" {} +  # (no glob: 40,000 names overflow the argument list)
    reference=$(/usr/bin/time -f "%M" -o "$work/rss-python" $python benchmarks/python_email_parse.py "$work/inbox")
    python_rate=$(echo "$reference" | sed -E 's/.* = ([0-9]+) msg\/s/\1/')
    printf '%-10s N=%-6s (%s KiB)  rollout-gateway ingest: %6.0f msg/s, peak RSS %5.1f MB | python email (parse only): %6s msg/s, peak RSS %5.1f MB | ratio %.2f\n' \
        "$store" "$count" "$size" "$rate" "$(echo "$rss / 1024" | bc -l)" "$python_rate" "$(echo "$(cat "$work/rss-python") / 1024" | bc -l)" \
        "$(echo "$rate / $python_rate" | bc -l)"
    grep -o 'ingest done.*\|peak RssAnon.*' "$work/log" | sed 's/^/    /'
    rm -rf "$work"
  fi
  if [[ $lines == *" answered "* ]]; then
    work=$(mktemp -d)
    fresh_store "$store"
    stage_many_tickets "$gateway" "$work" 200 50
    $python benchmarks/generate_replies.py --answered 200 50 "$count" "$work/inbox"
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$work/rss" benchmarks/rss-split.sh "$gateway" ingest --maildir "$work/inbox" 2>"$work/log"
    end=$(date +%s.%N)
    answers=$(grep -o 'answers-queued=[0-9]*' "$work/log" | tail -1 | cut -d= -f2)
    printf '%-10s N=%-6s every message answered (200 senders, 50 tickets): %6.2f s, %6.0f msg/s, %s answers, peak RSS %5.1f MB (%s)\n' \
        "$store" "$count" "$(echo "$end - $start" | bc -l)" "$(echo "$count / ($end - $start)" | bc -l)" "$answers" \
        "$(echo "$(cat "$work/rss") / 1024" | bc -l)" "$(grep '^peak RssAnon' "$work/log" | tail -1)"
    rm -rf "$work"
  fi
  if [[ $lines == *" mixed "* ]]; then
    # The honest workload (issue 24): 200 senders of the configuration (one bench team each) over 100 tickets, the
    # generator's mix (accept, reject, downtime, ggus, conversation, reports, extend from a manager, duplicates, pasted
    # notices), every command mail answered; the Python reference parses the same files in the same run. Its dates
    # advance a second a message from 16:00: N ≤ 28,800.
    work=$(mktemp -d)
    fresh_store "$store"
    stage_many_tickets "$gateway" "$work" 200 100
    $python benchmarks/generate_replies.py --mixed 7 200 100 "$count" "$work/inbox"
    [[ $store == postgresql ]] && server_before=$(server_cpu)
    start=$(date +%s.%N)
    /usr/bin/time -f "%M %U %S" -o "$work/rss" benchmarks/rss-split.sh "$gateway" ingest --maildir "$work/inbox" 2>"$work/log"
    end=$(date +%s.%N)
    read -r peak user system <"$work/rss"; echo "$peak" >"$work/rss"
    cpu_split="gateway cpu $(printf '%.2f' "$(echo "$user + $system" | bc -l)") s (user $user, system $system)"
    [[ $store == postgresql ]] && cpu_split+=", server cpu $(printf '%.2f' "$(echo "$(server_cpu) - $server_before" | bc -l)") s"
    rate=$(echo "$count / ($end - $start)" | bc -l)
    answers=$(grep -o 'answers-queued=[0-9]*' "$work/log" | tail -1 | cut -d= -f2)
    find "$work/inbox/cur" -type f -exec mv -t "$work/inbox/new/" {} +
    reference=$($python benchmarks/python_email_parse.py "$work/inbox")
    python_rate=$(echo "$reference" | sed -E 's/.* = ([0-9]+) msg\/s/\1/')
    printf '%-10s N=%-6s mixed (200 senders, 100 tickets, answered): %6.2f s, %6.0f msg/s, %s answers, peak RSS %5.1f MB | python email (parse only): %6s msg/s | ratio %.2f\n' \
        "$store" "$count" "$(echo "$end - $start" | bc -l)" "$rate" "$answers" "$(echo "$(cat "$work/rss") / 1024" | bc -l)" \
        "$python_rate" "$(echo "$rate / $python_rate" | bc -l)"
    grep -o 'ingest done.*\|peak RssAnon.*' "$work/log" | sed 's/^/    /'
    echo "    $cpu_split"
    rm -rf "$work"
  fi
  if [[ $lines == *" tick "* ]]; then
    # `tick` (issue 24): 300 staged tickets of three teams each (900 bench teams), all acknowledgement deadlines and
    # escalations due at once (1,200 timers), fired by one `tick`; then a second `tick` with nothing due. The N of the
    # loop is not used: this line runs once per store.
    if [[ $count == "${counts[0]}" ]]; then
      if [[ ${TICK_CLI_STAGED:-1} == 1 ]]; then
      work=$(mktemp -d)
      fresh_store "$store"
      stage_many_tickets "$gateway" "$work" 900 300
      export ROLLOUT_GATEWAY_NOW=2026-12-04T10:00:00+01:00
      for run in due none; do
        start=$(date +%s.%N)
        /usr/bin/time -f "%M" -o "$work/rss" "$gateway" tick >"$work/tick-$run" 2>"$work/log"
        end=$(date +%s.%N)
        printf '%-10s tick, %-4s due (300 tickets, 900 teams): %6.3f s whole process, peak RSS %5.1f MB: %s\n' \
            "$store" "$run" "$(echo "$end - $start" | bc -l)" "$(echo "$(cat "$work/rss") / 1024" | bc -l)" \
            "$(tail -1 "$work/tick-$run")"
      done
      rm -rf "$work"
      fi
      # Issue 24's sizes, on stores staged by the SQL fixture (stage_cloned_tickets, SQLite only, seconds for 10,000
      # tickets): 1,200 and 4,000 due timers over 300 and 1,000 tickets (three teams each, every team on one ticket;
      # their growth must be linear), and nothing due over 10,000 open tickets (900 teams, each on about 33 tickets;
      # the median of 5 runs). With GATEWAY_BEFORE (another build), each is also run with it, on a store staged alike.
      if [[ $store == sqlite ]]; then
        IFS=, read -r -a shapes <<<"${TICK_SHAPES:-300 900 due,1000 3000 due,10000 900 none}"
        for shape in "${shapes[@]}"; do
          read -r tickets teams run <<<"$shape"
          for label in after ${GATEWAY_BEFORE:+before}; do
            binary=$gateway; [[ $label == before ]] && binary=$GATEWAY_BEFORE
            work=$(mktemp -d)
            staging=$(date +%s.%N)
            stage_cloned_tickets "$binary" "$work" "$teams" "$tickets"
            staging=$(echo "$(date +%s.%N) - $staging" | bc -l)
            export ROLLOUT_GATEWAY_NOW=2026-12-04T10:00:00+01:00
            [[ $run == none ]] && export ROLLOUT_GATEWAY_NOW=2026-11-27T10:05:00+01:00
            runs=1; [[ $run == none ]] && runs=5
            times=()
            for ((r = 0; r < runs; r++)); do
              start=$(date +%s.%N)
              /usr/bin/time -f "%M %U %S" -o "$work/usage" "$binary" tick >"$work/tick" 2>"$work/log"
              end=$(date +%s.%N)
              times+=("$(echo "$end - $start" | bc -l)")
            done
            read -r rss user system <"$work/usage"
            median=$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(((runs + 1) / 2))p")
            if [[ $run == none ]]; then
              # The floor: the same binary started for nothing (`--help`), median of 5, in the same minute.
              floor=()
              for ((r = 0; r < 5; r++)); do
                start=$(date +%s.%N); "$binary" --help >/dev/null; floor+=("$(echo "$(date +%s.%N) - $start" | bc -l)")
              done
              printf '%-10s     (%s: the process started for nothing, `--help`: %.3f s, median of 5)\n' "$store" "$label" \
                  "$(printf '%s\n' "${floor[@]}" | sort -g | sed -n 3p)"
            fi
            printf '%-10s tick, %-7s (%s tickets, %s teams; %s; staged by SQL in %.1f s): %6.3f s whole process (median of %s), cpu %.3f s, peak RSS %5.1f MB: %s\n' \
                "$store" "$([[ $run == due ]] && echo all due || echo none due)" "$tickets" "$teams" "$label" "$staging" "$median" "$runs" "$(echo "$user + $system" | bc -l)" \
                "$(echo "$rss / 1024" | bc -l)" "$(tail -1 "$work/tick")"
            rm -rf "$work"
          done
        done
      fi
    fi
  fi
  if [[ $lines == *" two "* && $store == postgresql ]]; then
    work=$(mktemp -d)
    fresh_store "$store"
    stage_many_tickets "$gateway" "$work" 200 50
    $python benchmarks/generate_replies.py --answered 200 50 "$count" "$work/inbox"
    mkdir -p "$work/inbox2"/{new,cur,tmp}
    ls "$work/inbox/new" | sort | awk 'NR % 2 == 0' | (cd "$work/inbox/new" && xargs mv -t "$work/inbox2/new/")
    start=$(date +%s.%N)
    "$gateway" ingest --maildir "$work/inbox" 2>"$work/log1" & first=$!
    "$gateway" ingest --maildir "$work/inbox2" 2>"$work/log2" & second=$!
    status=0; wait $first || status=$?; wait $second || status=$?
    end=$(date +%s.%N)
    left=$(( $(ls "$work/inbox/new" | wc -l) + $(ls "$work/inbox2/new" | wc -l) ))
    answers=$(( $(grep -o 'answers-queued=[0-9]*' "$work/log1" | tail -1 | cut -d= -f2) + $(grep -o 'answers-queued=[0-9]*' "$work/log2" | tail -1 | cut -d= -f2) ))
    printf '%-10s N=%-6s every message answered, two instances on one database (N/2 each): %6.2f s, %6.0f msg/s, %s answers, exit %s, %s left in new/\n' \
        "$store" "$count" "$(echo "$end - $start" | bc -l)" "$(echo "$count / ($end - $start)" | bc -l)" "$answers" "$status" "$left"
    rm -rf "$work"
  fi
  done
done
