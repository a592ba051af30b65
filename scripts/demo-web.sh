#!/usr/bin/env bash
# make demo-web: the web view over the demo store (made by `make demo` when missing), behind a demo login proxy on
# loopback that signs in DEMO_USER (default: a manager of the EMI stack). The demo configuration lists that proxy in
# web.trusted_proxies explicitly: serve believes no header from anyone else, loopback included.
set -euo pipefail
cd "$(dirname "$0")/.."
gateway="$(swift build --show-bin-path)/rollout-gateway"
user="${DEMO_USER:-mario.david@lip.example.org}"
port="${DEMO_PORT:-8080}"
[[ -f demo-out/gateway.sqlite ]] || scripts/demo.sh > /dev/null
sed -e "s|\.\./\.\./demo-out|$PWD/demo-out|g" -e "s|\./hooks/|$PWD/fixtures/demo/hooks/|g" fixtures/demo/gateway.yaml > demo-out/web.yaml
printf '\n# The demo login proxy (Tests/web/login_proxy.py): it connects from 127.0.0.2; nothing else is believed.\nweb:\n  listen: 127.0.0.1:8025\n  trusted_proxies: [127.0.0.2]\n' >> demo-out/web.yaml
export ROLLOUT_GATEWAY_CONFIG="$PWD/demo-out/web.yaml" ROLLOUT_GATEWAY_NOW="${ROLLOUT_GATEWAY_NOW:-2026-12-07T10:00:00+01:00}"
"$gateway" serve &
serve=$!
trap 'kill $serve' EXIT
echo "open http://127.0.0.1:$port/ (signed in as $user; DEMO_USER=paolo.veronesi@cnaf.example.org for a team member)"
/usr/bin/python3 -B Tests/web/login_proxy.py "$port" 8025 "$user"
