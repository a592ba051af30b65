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
