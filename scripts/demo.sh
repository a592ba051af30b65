#!/usr/bin/env bash
# Plays a whole staged rollout on the embedded default (SQLite, Maildir out) with injected time.
# Every notification ends up as a mail file in demo-out/outbox/new; the ticket's history is printed.
set -euo pipefail
cd "$(dirname "$0")/.."

gateway="$(swift build --show-bin-path)/rollout-gateway"
export ROLLOUT_GATEWAY_CONFIG="$PWD/fixtures/demo/gateway.yaml"
reports="$PWD/fixtures/demo/reports"
manager=mario.david@lip.example.org
italy=paolo.veronesi@cnaf.example.org
germany=pavel.weber@kit.example.org

rm -rf demo-out && mkdir -p demo-out

step() { printf '\n\033[1m== %s — %s\033[0m\n' "$1" "$2"; export ROLLOUT_GATEWAY_NOW="$1"; }
# Runs the gateway; a refused command (exit 65) is part of the story, anything else stops the demo.
run() { "$gateway" "$@" 2>>demo-out/gateway.log || { status=$?; [[ $status -eq 65 ]] || exit $status; }; }

step 2026-11-26T09:00:00+01:00 "the release manager records the release (queue sw-rel, InVerification)"
run release new --stack EMI-1.0 --component SE-DPM_mysql --version 1.8.0-1 --os SL5 --arch x86_64 \
    --release-notes https://wiki.egi.eu/wiki/DPM_1.8.0_release_notes \
    --fixed-bugs https://savannah.cern.ch/bugs/?group=lcgdm \
    --documentation https://twiki.cern.ch/twiki/bin/view/LCG/DpmAdminGuide

step 2026-11-27T10:00:00+01:00 "verification passed: stage it (steps 1–3, repository hook, managers notified)"
run release stage 1

step 2026-11-27T15:00:00+01:00 "Friday 15:00: a manager assigns three EA teams (step 4; answers due Monday 15:00)"
run apply --ticket 2 --as "$manager" "assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2 IBERGRID-LIP-Lisbon"

step 2026-11-27T16:20:00+01:00 "Germany declines, with a reason"
run apply --ticket 2 --as "$germany" "Reject NGI_DE-FZK-LCG2.
Sorry, our disk servers are being migrated until mid-December."

step 2026-11-30T15:00:00+01:00 "Monday 15:00: the deadline passes; Lisbon never answers, nobody accepted"
run tick

step 2026-11-30T16:05:00+01:00 "Italy accepts after the escalation; a typo first"
run apply --ticket 2 --as "$italy" "accept NGI_IT-INFN-T2"
run apply --ticket 2 --as "$italy" "Accept NGI_IT-INFN-T1
downtime NGI_IT-INFN-T1 on"

step 2026-12-01T15:00:00+01:00 "Tuesday: no second escalation, a team accepted"
run tick

step 2026-12-02T11:30:00+01:00 "Italy reports a problem and links a GGUS ticket (step 6)"
run apply --ticket 2 --as "$italy" "The dpm-xrootd restart after the upgrade needs a manual step, see:
https://ggus.eu/?mode=ticket_info&ticket_id=98765"

step 2026-12-05T16:05:00+01:00 "Saturday: the minimum testing period is over, Italy is reminded to report (step 7)"
run tick

step 2026-12-06T10:00:00+01:00 "Italy attaches its report, first badly named, then right (step 8)"
run apply --ticket 2 --as "$italy" --attach "$reports/INFN-T1 report final.odt" "Our report."
run apply --ticket 2 --as "$italy" --attach "$reports/ea-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_mysql-1.8.0-1.odt" "Our report, renamed."

step 2026-12-07T09:30:00+01:00 "the managers set the outcome and try to resolve without a document ID (step 9)"
run apply --ticket 2 --as "$manager" --attach "$reports/summary-EMI-1.0-SE-DPM_mysql-1.8.0-1.odt" "outcome accept
resolve"

step 2026-12-07T09:45:00+01:00 "with the document-server ID, resolve: the release ticket gets outcome and ID (step 10)"
run apply --ticket 2 --as "$manager" "docid 1234
resolve"

step 2026-12-07T10:00:00+01:00 "deliver the outbox into the Maildir"
run send

printf '\n\033[1m== the staged-rollout ticket\033[0m\n'
run tickets show 2
printf '\n\033[1m== the release ticket\033[0m\n'
run tickets show 1
printf '\n\033[1m== notifications written to demo-out/outbox/new\033[0m\n'
for mail in demo-out/outbox/new/*; do
    printf '%-60s %s\n' "$(grep -m1 '^X-Original-To:' "$mail" | cut -c16- | cut -c1-58)" "$(grep -m1 '^Subject:' "$mail" | cut -c10-)"
done
printf '\n%s mail files; hook log: demo-out/hooks.log; gateway log: demo-out/gateway.log\n' "$(ls demo-out/outbox/new | wc -l)"
