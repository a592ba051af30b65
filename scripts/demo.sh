#!/usr/bin/env bash
# Plays a whole staged rollout on the embedded default (SQLite, Maildir out) with injected time.
# The replies come from fixtures/demo/inbox, one at a time into a Maildir that `ingest` reads; every
# notification and transcript ends up as a mail file in demo-out/outbox/new; the ticket's history is printed.
set -euo pipefail
cd "$(dirname "$0")/.."

gateway="$(swift build --show-bin-path)/rollout-gateway"
export ROLLOUT_GATEWAY_CONFIG="$PWD/fixtures/demo/gateway.yaml"

rm -rf demo-out && mkdir -p demo-out/inbox/new demo-out/inbox/cur demo-out/inbox/tmp

step() { printf '\n\033[1m== %s — %s\033[0m\n' "$1" "$2"; export ROLLOUT_GATEWAY_NOW="$1"; }
# Runs the gateway; a refused command (exit 65) is part of the story, anything else stops the demo.
run() { "$gateway" "$@" 2>>demo-out/gateway.log || { status=$?; [[ $status -eq 65 ]] || exit $status; }; }
# A reply from fixtures/demo/inbox arrives in the gateway's Maildir and is ingested at the step's time.
arrive() {
    cp "fixtures/demo/inbox/$1" "demo-out/inbox/new/$1"
    printf '  mail in: %s\n' "$1"
    run ingest --maildir demo-out/inbox
    grep -E 'message (applied|duplicate|set-aside|auto-reply|loop|bounce)' demo-out/gateway.log | tail -1 | sed -E 's/^[^ ]+ [a-z]+ /  → /'
}

step 2026-11-26T09:00:00+01:00 "the release manager records the release (queue sw-rel, InVerification)"
run release new --stack EMI-1.0 --component SE-DPM_mysql --version 1.8.0-1 --os SL5 --arch x86_64 \
    --release-notes https://wiki.egi.eu/wiki/DPM_1.8.0_release_notes \
    --fixed-bugs https://savannah.cern.ch/bugs/?group=lcgdm \
    --documentation https://twiki.cern.ch/twiki/bin/view/LCG/DpmAdminGuide

step 2026-11-27T10:00:00+01:00 "verification passed: stage it (steps 1–3, repository hook, managers notified)"
run release stage 1

step 2026-11-27T15:00:00+01:00 "Friday 15:00: a manager assigns three EA teams by mail (step 4; answers due Monday 15:00)"
arrive 01-manager-assigns-three-teams.eml

step 2026-11-27T16:20:00+01:00 "Germany declines, in German, with a reason"
arrive 02-germany-declines-in-german.eml

step 2026-11-30T15:00:00+01:00 "Monday 15:00: the deadline passes; Lisbon never answers, nobody accepted: escalation to the EA list"
run tick

step 2026-11-30T16:05:00+01:00 "Italy accepts after the escalation — a typo first, then right; the list copy is recognised as a duplicate"
arrive 03-italy-accepts-with-a-typo.eml
arrive 04-italy-accepts.eml
arrive 05-italy-accept-again-through-the-ea-list.eml

step 2026-11-30T16:30:00+01:00 "Lisbon's vacation notice: recorded, never answered"
arrive 06-lisbon-is-on-holiday.eml

step 2026-12-01T15:00:00+01:00 "Tuesday: no second escalation, a team accepted"
run tick

step 2026-12-02T11:30:00+01:00 "Italy reports a problem and links a GGUS ticket (step 6)"
arrive 07-italy-reports-a-problem-with-ggus.eml

step 2026-12-05T16:05:00+01:00 "Saturday: the minimum testing period is over, Italy is reminded to report (step 7)"
run tick

step 2026-12-06T10:00:00+01:00 "Italy attaches its report, first badly named, then right (step 8)"
arrive 08-italy-report-badly-named.eml
arrive 09-italy-report-renamed.eml

step 2026-12-07T09:30:00+01:00 "the managers attach the summary, set the outcome, and try to resolve without a document ID (step 9)"
arrive 10-manager-outcome-and-summary.eml

step 2026-12-07T09:45:00+01:00 "with the document-server ID, resolve: the release ticket gets outcome and ID (step 10)"
arrive 11-manager-docid-and-resolve.eml

step 2026-12-07T10:00:00+01:00 "deliver the outbox into the Maildir"
run send

printf '\n\033[1m== the staged-rollout ticket\033[0m\n'
run tickets show 2
printf '\n\033[1m== the release ticket\033[0m\n'
run tickets show 1
printf '\n\033[1m== notifications written to demo-out/outbox/new\033[0m\n'
# A header's value, folded lines joined (RFC 5322 §2.2.3).
header() { awk -v name="$1" 'BEGIN { IGNORECASE = 1 } /^\r?$/ { exit } found && /^[ \t]/ { sub(/^[ \t]+/, " "); value = value $0; next } found { exit } tolower($0) ~ "^" tolower(name) ":" { found = 1; value = substr($0, length(name) + 3) } END { gsub(/\r/, "", value); print value }' "$2"; }
for mail in demo-out/outbox/new/*; do
    printf '%-60s %s\n' "$(header X-Original-To "$mail" | cut -c1-58)" "$(header Subject "$mail")"
done
printf '\n%s mail files; hook log: demo-out/hooks.log; gateway log: demo-out/gateway.log\n' "$(ls demo-out/outbox/new | wc -l)"
printf '\n\033[1m== the report bundle for the document server (step 9b)\033[0m\n'
run reports list 2
run reports bundle 2 --output demo-out/staged-rollout-2-reports.zip

