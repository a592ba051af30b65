# Sourced by the benchmarks: `stage_ticket GATEWAY DIR` writes DIR/gateway.yaml (the demo configuration, its
# store and outbox in DIR), exports it for the commands that follow, and stages ticket #2 (EMI-1.0 SE-DPM_mysql)
# with three teams assigned; the clock is then set to when the generated replies arrive.
stage_ticket() {
    local gateway=$1 dir=$2
    sed -e "s|sqlite: ../../demo-out/gateway.sqlite|sqlite: $dir/gateway.sqlite|" \
        -e "s|maildir: ../../demo-out/outbox|maildir: $dir/outbox|" \
        -e "s|\./hooks/|$PWD/fixtures/demo/hooks/|g" fixtures/demo/gateway.yaml > "$dir/gateway.yaml"
    # STORE_URL (postgresql://USER@HOST:PORT/DB): the store is that database instead (password from the environment).
    if [[ -n "${STORE_URL:-}" ]]; then
        sed -i -e "s|^  sqlite: .*|  postgresql:\n    url: $STORE_URL\n    tls: disable|" "$dir/gateway.yaml"
    fi
    export ROLLOUT_GATEWAY_CONFIG="$dir/gateway.yaml" RG_HOOK_LOG="$dir/hooks.log"
    export ROLLOUT_GATEWAY_NOW=2026-11-27T10:00:00+01:00
    "$gateway" release new --stack EMI-1.0 --component SE-DPM_mysql --version 1.8.0-1 --os SL5 --arch x86_64 \
        --release-notes a --fixed-bugs b --documentation c >/dev/null 2>&1
    "$gateway" release stage 1 >/dev/null 2>&1
    "$gateway" apply --ticket 2 --as mario.david@lip.example.org "assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2 IBERGRID-LIP-Lisbon" >/dev/null 2>&1
    export ROLLOUT_GATEWAY_NOW=2026-11-30T16:05:00+01:00
}
