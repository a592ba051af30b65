#!/usr/bin/env bash
# directory sync against Debian's slapd on a free loopback port: PEOPLE people (two addresses each) in TEAMS
# groupOfNames teams (each person in one team), the fixtures' schema, mdb. Times `directory sync` (first: everything
# created; second: nothing changed) and `directory show` with the debug binary the tests use.
# Usage: benchmarks/directory-sync.sh [PEOPLE [TEAMS]]   (defaults 5000 500)
set -euo pipefail
cd "$(dirname "$0")/.."

PEOPLE=${1:-5000}
TEAMS=${2:-500}
BIN=${BIN:-.build/debug/rollout-gateway}
WORK=$(mktemp -d)
trap 'kill "$(cat "$WORK/slapd.pid" 2>/dev/null)" 2>/dev/null || true; sleep 0.2; rm -rf "$WORK"' EXIT
mkdir "$WORK/db"
sed "s|@DIR@|$WORK|g; s|@FIXTURES@|$PWD/fixtures/ldap|g" fixtures/ldap/slapd.conf.template >"$WORK/slapd.conf"
# A real directory gives the gateway's bind a size limit above its people count (slapd's default is 500).
echo "limits anonymous size=unlimited" >>"$WORK/slapd.conf"
BASE="dc=vo,dc=ldap,dc=aai,dc=egi,dc=eu"
/usr/bin/python3 - "$PEOPLE" "$TEAMS" "$BASE" >"$WORK/data.ldif" <<'PY'
import sys
people, teams, base = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
print(f"dn: {base}\nobjectClass: dcObject\nobjectClass: organization\ndc: vo\no: bench\n")
for ou in ("people", "groups"):
    print(f"dn: ou={ou},{base}\nobjectClass: organizationalUnit\nou: {ou}\n")
for p in range(people):
    print(f"dn: voPersonID=p{p}@egi.eu,ou=people,{base}\nobjectClass: inetOrgPerson\nobjectClass: voPerson\n"
          f"voPersonID: p{p}@egi.eu\ncn: Person {p}\nsn: {p}\nmail: person{p}@site{p % teams}.example.org\n"
          f"mail: p{p}@alt.example.org\n")
for t in range(teams):
    members = "".join(f"member: voPersonID=p{p}@egi.eu,ou=people,{base}\n" for p in range(t, people, teams))
    print(f"dn: cn=ea-NGI_XX-SITE{t},ou=groups,{base}\nobjectClass: groupOfNames\ncn: ea-NGI_XX-SITE{t}\n{members}")
PY
/usr/sbin/slapadd -q -f "$WORK/slapd.conf" -l "$WORK/data.ldif"
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/sbin/slapd -f "$WORK/slapd.conf" -h "ldap://127.0.0.1:$PORT/"
for _ in $(seq 1 50); do ldapwhoami -x -H "ldap://127.0.0.1:$PORT/" >/dev/null 2>&1 && break; sleep 0.1; done
cat >"$WORK/gateway.yaml" <<YAML
gateway: { address: staged-rollout@rollout.example.org }
store: { sqlite: $WORK/gateway.sqlite }
outbox: { maildir: $WORK/outbox }
release_managers: [release-manager@egi.example.org]
stacks: { EMI: { managers: [manager@egi.example.org] } }
teams: {}
directory: { url: "ldap://127.0.0.1:$PORT/", base_dn: "$BASE" }
YAML
for what in "directory sync" "directory sync" "directory show"; do
    start=$(date +%s.%N)
    $BIN $what -c "$WORK/gateway.yaml" >"$WORK/out" 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
    end=$(date +%s.%N)
    printf '%-16s %6.2f s  %s\n' "$what" "$(echo "$end - $start" | bc)" "$(tail -n 1 "$WORK/out" | cut -c1-100)"
done
