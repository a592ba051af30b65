"""The web view in a real browser (issue 21 parts 4-5): headless Chromium against `rollout-gateway serve` over a
demo store, through a login proxy on loopback. Exits 0 when every check holds, else prints what failed and exits 1.

Usage: /usr/bin/python3 Tests/web/browser_check.py GATEWAY_BINARY REPOSITORY"""
import asyncio
import sys

import devtools
from web_world import MANAGER, MEMBER, WebWorld, chromium

failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def main(gateway, repository):
    world = WebWorld(gateway, repository)
    try:
        # Straight to serve with a forged header, from loopback: not the proxy's connection, so not believed.
        status, body = world.direct("/tickets/2", {"X-Remote-User": MANAGER})
        check(status == 401, f"a forged header sent straight to serve is refused with 401 (got {status})")
        check("NGI_IT-INFN-T1" not in body, "the refused request shows nothing of the ticket")

        # What each sees, read from the DOM Chromium built.
        manager_dom = chromium("--dump-dom", world.url(MANAGER, "/tickets/2")).stdout
        check('id="assign"' in manager_dom and 'id="outcome"' in manager_dom, "the manager sees the assign and outcome forms")
        check('id="answer-' not in manager_dom, "the manager is offered no team's answer")
        member_dom = chromium("--dump-dom", world.url(MEMBER, "/tickets/2")).stdout
        check('id="answer-NGI_IT-INFN-T1"' in member_dom, "the team member sees their team's answer form")
        check('id="answer-NGI_DE-FZK-LCG2"' not in member_dom, "and not another team's")
        check('id="outcome"' not in member_dom, "and not the manager's outcome form")
        index_dom = chromium("--dump-dom", world.url(MANAGER, "/")).stdout
        check('href="/tickets/2"' in index_dom and "NGI_IT-INFN-T1: assigned" in index_dom, "the rollouts page lists #2 with its chips")

        # The forms, clicked in the browser; the store read after through the command line.
        browser = devtools.Browser()
        try:
            result, _ = asyncio.run(browser.submit(world.url(MEMBER, "/tickets/2"), "#answer-NGI_IT-INFN-T1 button[value=accept]"))
            check(result == "result applied", f"the accept form answers with its result shown as done (got {result})")
            team = next(t for t in world.ticket(2)["teams"] if t["team"] == "ea-NGI_IT-INFN-T1")
            check(team["answer"] == "accepted" and team["answered_by"] == MEMBER, "the store has the team's accept, by the member")
            bases = [h.get("authentication_basis") for h in world.ticket(2)["history"] if h.get("actor") == MEMBER]
            check(bases and all(b == "web" for b in bases), f"recorded with authentication basis web (got {bases})")

            result, _ = asyncio.run(browser.submit(world.url(MANAGER, "/tickets/2"), "#outcome button[value=outcome-accept]"))
            check(result == "result applied", f"the outcome form answers with its result shown as done (got {result})")

            check(world.ticket(2)["outcome"] == "ACCEPT", "the store has the outcome ACCEPT")
        finally:
            browser.close()
    finally:
        world.close()
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
