# `use_store_url CONFIG`: with STORE_URL set (postgresql://USER@HOST:PORT/DB), CONFIG's store becomes that
# database instead of its SQLite file (the password from the environment).
use_store_url() {
    [[ -n "${STORE_URL:-}" ]] || return 0
    sed -i -e "s|^  sqlite: .*|  postgresql:\n    url: $STORE_URL\n    tls: disable|" "$1"
}

# Sourced by the benchmarks: `stage_ticket GATEWAY DIR` writes DIR/gateway.yaml (the demo configuration, its
# store and outbox in DIR), exports it for the commands that follow, and stages ticket #2 (EMI-1.0 SE-DPM_mysql)
# with three teams assigned; the clock is then set to when the generated replies arrive.
stage_ticket() {
    local gateway=$1 dir=$2
    sed -e "s|sqlite: ../../demo-out/gateway.sqlite|sqlite: $dir/gateway.sqlite|" \
        -e "s|maildir: ../../demo-out/outbox|maildir: $dir/outbox|" \
        -e "s|\./hooks/|$PWD/fixtures/demo/hooks/|g" fixtures/demo/gateway.yaml > "$dir/gateway.yaml"
    use_store_url "$dir/gateway.yaml"
    export ROLLOUT_GATEWAY_CONFIG="$dir/gateway.yaml" RG_HOOK_LOG="$dir/hooks.log"
    export ROLLOUT_GATEWAY_NOW=2026-11-27T10:00:00+01:00
    "$gateway" release new --stack EMI-1.0 --component SE-DPM_mysql --version 1.8.0-1 --os SL5 --arch x86_64 \
        --release-notes a --fixed-bugs b --documentation c >/dev/null 2>&1
    "$gateway" release stage 1 >/dev/null 2>&1
    "$gateway" apply --ticket 2 --as mario.david@lip.example.org "assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2 IBERGRID-LIP-Lisbon" >/dev/null 2>&1
    export ROLLOUT_GATEWAY_NOW=2026-11-30T16:05:00+01:00
}

# `stage_many_tickets GATEWAY DIR TEAMS TICKETS`: as stage_ticket, with TEAMS more teams (NGI_BENCH-SITEk, one member
# bench.k@site-k.example.org each) and TICKETS staged tickets (#2, #4, …; ticket #2j+2 has the teams k with
# k mod TICKETS = j), and `inbound.replies_per_hour` raised so that every command mail is answered.
stage_many_tickets() {
    local gateway=$1 dir=$2 teams=$3 tickets=$4 k j
    bench_configuration "$dir" "$teams"
    export ROLLOUT_GATEWAY_NOW=2026-11-27T10:00:00+01:00
    for ((j = 0; j < tickets; j++)); do
        "$gateway" release new --stack EMI-1.0 --component "SE-bench-$j" --version 1.0-1 --os SL5 --arch x86_64 \
            --release-notes a --fixed-bugs b --documentation c >/dev/null 2>&1
        "$gateway" release stage $((2 * j + 1)) >/dev/null 2>&1
        local assigned=()
        for ((k = j; k < teams; k += tickets)); do assigned+=("NGI_BENCH-SITE$k"); done
        "$gateway" apply --ticket $((2 * j + 2)) --as mario.david@lip.example.org "assign ${assigned[*]}" >/dev/null 2>&1
    done
    export ROLLOUT_GATEWAY_NOW=2026-11-30T16:05:00+01:00
}

# `bench_configuration DIR TEAMS`: writes DIR/gateway.yaml (the demo configuration with TEAMS more teams
# NGI_BENCH-SITEk, one member bench.k@site-k.example.org each, and every command mail answered) and exports it.
bench_configuration() {
    local dir=$1 teams=$2 k
    {
        sed -e "s|sqlite: ../../demo-out/gateway.sqlite|sqlite: $dir/gateway.sqlite|" \
            -e "s|maildir: ../../demo-out/outbox|maildir: $dir/outbox|" \
            -e "s|\./hooks/|$PWD/fixtures/demo/hooks/|g" -e '/^teams:$/q' fixtures/demo/gateway.yaml
        for ((k = 0; k < teams; k++)); do
            printf '  ea-NGI_BENCH-SITE%d:\n    members: [bench.%d@site-%d.example.org]\n    stacks: [EMI]\n' "$k" "$k" "$k"
        done
        sed -e '1,/^teams:$/d' fixtures/demo/gateway.yaml
        printf '\ninbound:\n  replies_per_hour: 1000000000\n'
    } > "$dir/gateway.yaml"
    use_store_url "$dir/gateway.yaml"
    export ROLLOUT_GATEWAY_CONFIG="$dir/gateway.yaml" RG_HOOK_LOG="$dir/hooks.log"
}

# `stage_cloned_tickets GATEWAY DIR TEAMS TICKETS` (SQLite only): as stage_many_tickets, fast for thousands of
# tickets (issue 24's `tick` lines): the gateway's own commands stage ticket #2 with teams 0, 1 and 2, and one SQL
# script (sqlite3) copies its rows — release and rollout tickets, teams, history, timers, reserved numbers — into
# TICKETS - 1 more pairs (#2j+1, #2j+2), pair j with the teams (3j + m) mod TEAMS. The staging's mail is deleted,
# so that every ticket is alike (no mail queued on any: a firing's copies open their persons' threads).
stage_cloned_tickets() {
    local gateway=$1 dir=$2 teams=$3 tickets=$4
    command -v sqlite3 >/dev/null || { echo "stage_cloned_tickets needs sqlite3 (apt-get install sqlite3)" >&2; return 1; }
    bench_configuration "$dir" "$teams"
    export ROLLOUT_GATEWAY_NOW=2026-11-27T10:00:00+01:00
    "$gateway" release new --stack EMI-1.0 --component SE-bench-0 --version 1.0-1 --os SL5 --arch x86_64 \
        --release-notes a --fixed-bugs b --documentation c >/dev/null 2>&1
    "$gateway" release stage 1 >/dev/null 2>&1
    "$gateway" apply --ticket 2 --as mario.david@lip.example.org "assign NGI_BENCH-SITE0 NGI_BENCH-SITE1 NGI_BENCH-SITE2" >/dev/null 2>&1
    local team="'ea-NGI_BENCH-SITE' || ((3 * clone + CAST(substr(team, 18) AS INTEGER)) % $teams)"
    sqlite3 "$dir/gateway.sqlite" <<SQL
BEGIN;
DELETE FROM outbox;
CREATE TEMP TABLE n AS WITH RECURSIVE r(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM r WHERE j < $tickets - 1) SELECT j FROM r;
CREATE TEMP TABLE c_sequence AS SELECT ticket_sequence.*, n.j AS clone FROM ticket_sequence, n;
UPDATE c_sequence SET id = id + 2 * clone;
ALTER TABLE c_sequence DROP COLUMN clone;
INSERT INTO ticket_sequence SELECT * FROM c_sequence ORDER BY id;
CREATE TEMP TABLE c_tickets AS SELECT tickets.*, n.j AS clone FROM tickets, n WHERE tickets.id IN (1, 2);
UPDATE c_tickets SET id = id + 2 * clone, parent_id = parent_id + 2 * clone, child_id = child_id + 2 * clone,
    component = 'SE-bench-' || clone;
ALTER TABLE c_tickets DROP COLUMN clone;
INSERT INTO tickets SELECT * FROM c_tickets ORDER BY id;
CREATE TEMP TABLE c_teams AS SELECT ticket_teams.*, n.j AS clone FROM ticket_teams, n WHERE ticket_id = 2;
UPDATE c_teams SET ticket_id = ticket_id + 2 * clone, team = $team;
ALTER TABLE c_teams DROP COLUMN clone;
INSERT INTO ticket_teams SELECT * FROM c_teams ORDER BY ticket_id, position;
CREATE TEMP TABLE c_timers AS SELECT timers.*, n.j AS clone FROM timers, n WHERE ticket_id = 2;
UPDATE c_timers SET ticket_id = ticket_id + 2 * clone, team = CASE team WHEN '' THEN '' ELSE $team END;
ALTER TABLE c_timers DROP COLUMN clone;
INSERT INTO timers SELECT * FROM c_timers ORDER BY ticket_id;
CREATE TEMP TABLE c_history AS SELECT history.*, n.j AS clone FROM history, n;
UPDATE c_history SET id = NULL, ticket_id = ticket_id + 2 * clone;
ALTER TABLE c_history DROP COLUMN clone;
INSERT INTO history SELECT * FROM c_history ORDER BY ticket_id;
COMMIT;
SQL
}

# `stage_line LINE GATEWAY DIR COUNT`: stages DIR for LINE (`default`: ticket #2 and the generator's replies to it;
# `mixed`: 200 bench teams over 100 tickets and the generator's mixed workload, seed 7) and writes COUNT mails to
# DIR/inbox.
stage_line() {
    local line=$1 gateway=$2 dir=$3 count=$4
    if [[ $line == mixed ]]; then
        stage_many_tickets "$gateway" "$dir" 200 100
        python3 benchmarks/generate_replies.py --mixed 7 200 100 "$count" "$dir/inbox"
    else
        stage_ticket "$gateway" "$dir"
        python3 benchmarks/generate_replies.py "$count" "$dir/inbox"
    fi
}
