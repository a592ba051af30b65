#!/usr/bin/env python3
"""Writes N realistic replies to staged-rollout ticket #2 into a Maildir (new/), for the ingest benchmark.

Usage: generate_replies.py N MAILDIR
       generate_replies.py --answered TEAMS TICKETS N MAILDIR
       generate_replies.py --mixed SEED TEAMS TICKETS N MAILDIR

The second form writes replies from the TEAMS bench teams of `stage_many_tickets` (benchmarks/staged-ticket.sh),
team k (NGI_BENCH-SITEk, member bench.k@site-k.example.org) to the ticket it is assigned, each with a command:
every one earns a transcript when `inbound.replies_per_hour` is raised.

The third form (the store conformance test's mixed workload, Tests/StoreTests) writes, from the same teams and
tickets and seeded by SEED, every kind of mail at once: accept, reject, downtime, ggus and plain conversation (relayed)
from team members, extend from a stack manager, reports (ODF containers, well and badly named), duplicates
(a message written again under its Message-ID), and after an extend often the team's thanks with our notice of it
pasted below, unquoted. Each file's name sorts in the order it was written.

The mix follows what the gateway sees: top-posted Outlook and Gmail replies with quotes, some HTML-only,
commands (accept, reject, downtime, ggus) and conversation, from the demo configuration's people.
"""
import io
import os
import random
import sys
import zipfile
from email.message import EmailMessage
from email import policy

PEOPLE = [
    ("Paolo Veronesi", "paolo.veronesi@cnaf.example.org", "NGI_IT-INFN-T1"),
    ("Pavel Weber", "pavel.weber@kit.example.org", "NGI_DE-FZK-LCG2"),
    ("Goncalo Borges", "goncalo.borges@lip.example.org", "IBERGRID-LIP-Lisbon"),
    ("Mario David", "mario.david@lip.example.org", None),
]
TITLE = "Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64"
QUOTE = "\n".join("> " + line for line in (
    "Dear team,", "", "you have been chosen as Early Adopter for " + TITLE + ".",
    "Please acknowledge by Mon 2026-11-30 15:00 +01:00 (Europe/Amsterdam) by replying with one of:",
    "", "    accept <NGI>-<Site-name>", "    reject <NGI>-<Site-name>", "",
    "After accepting, run the new version in production for 5 to 7 days and attach your report.",
) * 3)


def body(rng, team):
    commands = []
    if team:
        commands.append(rng.choice([f"accept {team}", f"downtime {team} on", f"downtime {team} off", "ggus %d" % rng.choice((98765, 98766, 98801))]))
    text = rng.choice([
        "Thanks, the upgrade went fine on our test node.",
        "We see a slow start of dpm-xrootd after the upgrade; investigating.",
        "Installed on two disk servers, production load since this morning.",
    ])
    return "\n".join(commands + ["", text, "", "Regards", "", "On Fri, 27 Nov 2026 at 15:00, EGI Staged Rollout <staged-rollout@rollout.example.org> wrote:", QUOTE, ""])


def answered(teams, tickets, count, root):
    for folder in ("new", "cur", "tmp"):
        os.makedirs(os.path.join(root, folder), exist_ok=True)
    rng = random.Random(42)
    for index in range(count):
        k = index % teams
        team, address = f"NGI_BENCH-SITE{k}", f"bench.{k}@site-{k}.example.org"
        ticket = 2 * (k % tickets) + 2
        message = EmailMessage(policy=policy.SMTP)
        message["From"] = f"Bench Member {k} <{address}>"
        message["To"] = "EGI Staged Rollout <staged-rollout@rollout.example.org>"
        message["Subject"] = f"Re: [staged-rollout #{ticket}] Please test Staged Rollout EMI-1.0 SE-bench-{k % tickets} 1.0-1 SL5 x86_64"
        message["Date"] = "Mon, 30 Nov 2026 16:05:01 +0100"
        message["Message-ID"] = f"<bench-{index}-{rng.getrandbits(48):x}@site-{k}.example.org>"
        message.set_content(body(rng, team))
        with open(os.path.join(root, "new", f"{1764514000 + index}.{index}.bench:2,"), "wb") as file:
            file.write(message.as_bytes())


def odf(text):
    """A minimal OpenDocument text (a ZIP whose first member is `mimetype`), as a report is checked to be."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype", date_time=(2026, 11, 30, 0, 0, 0)), "application/vnd.oasis.opendocument.text")
        archive.writestr(zipfile.ZipInfo("content.xml", date_time=(2026, 11, 30, 0, 0, 0)), text)
    return buffer.getvalue()


def bench_message(name, address, j, index, message_id, reply, subject):
    """The headers of a mixed-workload mail to bench ticket #2j+2, dated one second apart by its index."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = f"{name} <{address}>"
    message["To"] = "EGI Staged Rollout <staged-rollout@rollout.example.org>"
    message["Subject"] = f"{reply} [staged-rollout #{2 * j + 2}] {subject} Staged Rollout EMI-1.0 SE-bench-{j} 1.0-1 SL5 x86_64"
    message["Date"] = "Mon, 30 Nov 2026 %02d:%02d:%02d +0100" % (16 + index // 3600, index // 60 % 60, index % 60)
    message["Message-ID"] = message_id
    return message


def pasted(seed, index, k, j, days):
    """A team's thanks with our notice that a manager extended its testing pasted below, unquoted and with no
    attribution: only the sent text tells it is a copy (issue 12), and what follows the copy (`downtime <team> on`)
    must not be read as a command."""
    team = f"NGI_BENCH-SITE{k}"
    message = bench_message(f"Bench Member {k}", f"bench.{k}@site-{k}.example.org", j, index,
                            f"<mixed-{seed}-{index}-pasted@site-{k}.example.org>", "RE:", "Testing period extended:")
    message.set_content("\n".join([
        f"Thanks for the extra time (note {index}).", "",
        f"Dear ea-{team},", "",
        f"your testing period for Staged Rollout EMI-1.0 SE-bench-{j} 1.0-1 SL5 x86_64 was extended by {days} days; it now ends",
        "soon.", "", "If you put the service into a GOCDB \"beta\" downtime, tell us with:", f"    downtime {team} on", "",
    ]))
    return message.as_bytes()


def mixed(seed, teams, tickets, count, root):
    for folder in ("new", "cur", "tmp"):
        os.makedirs(os.path.join(root, folder), exist_ok=True)
    rng = random.Random(seed)
    written = []
    extended = None  # the team (k, j, days) whose testing the mail written last extended, for a reply pasting our notice
    for index in range(count):
        after, extended = extended, None
        if written and rng.random() < 0.04:
            data = rng.choice(written)  # the same mail again: a duplicate
        elif after and rng.random() < 0.6:
            data = pasted(seed, index, *after)
            written.append(data)
        else:
            k = rng.randrange(teams)
            j = k % tickets
            team, address = f"NGI_BENCH-SITE{k}", f"bench.{k}@site-{k}.example.org"
            name = f"Bench Member {k}"
            kind = rng.choices(["accept", "reject", "downtime", "ggus", "conversation", "report", "extend"],
                               weights=[8, 3, 6, 5, 20, 4, 6])[0]
            text = rng.choice([
                "Thanks, the upgrade went fine on our test node.",
                "We see a slow start of dpm-xrootd after the upgrade; investigating.",
                "Installed on two disk servers, production load since this morning.",
            ]) + f" (note {index})"
            commands = {
                "accept": [f"accept {team}"], "reject": [f"reject {team}"],
                "downtime": [f"downtime {team} {rng.choice(['on', 'off'])}"],
                "ggus": ["ggus %d" % rng.choice((98765, 98766, 98801))],
                "conversation": [], "report": [],
                "extend": [f"extend {rng.choice([team, 'all'])} {rng.randint(1, 3)}"],
            }[kind]
            if kind == "extend":
                name, address = "Mario David", "mario.david@lip.example.org"
            message = bench_message(name, address, j, index, f"<mixed-{seed}-{index}-{rng.getrandbits(48):x}@site-{k}.example.org>",
                                    "Re:", "Please test")
            message.set_content("\n".join(commands + ["", text, "", "Regards", ""]))
            if kind == "report":
                well_named = rng.random() < 0.75
                file_name = f"ea-{team}-EMI-1.0-SE-bench-{j}-1.0-1.odt" if well_named else f"report-{k}.odt"
                message.add_attachment(odf(f"report of {team} ({index})"), maintype="application",
                                       subtype="vnd.oasis.opendocument.text", filename=file_name)
                message.set_boundary(f"mixed-{seed}-{index}")  # not a random one: the same bytes on every run
            data = message.as_bytes()
            written.append(data)
            if kind == "extend":
                extended = (k, j, int(commands[0].split()[-1]))
        with open(os.path.join(root, "new", f"{1764514000 + index}.{index:06d}.mixed:2,"), "wb") as file:
            file.write(data)


def main():
    if sys.argv[1] == "--mixed":
        mixed(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
        return
    if sys.argv[1] == "--answered":
        answered(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
        return
    count, root = int(sys.argv[1]), sys.argv[2]
    for folder in ("new", "cur", "tmp"):
        os.makedirs(os.path.join(root, folder), exist_ok=True)
    rng = random.Random(42)
    for index in range(count):
        name, address, team = rng.choice(PEOPLE)
        message = EmailMessage(policy=policy.SMTP)
        message["From"] = f"{name} <{address}>"
        message["To"] = "EGI Staged Rollout <staged-rollout@rollout.example.org>"
        message["Subject"] = f"Re: [staged-rollout #2] Please test {TITLE}"
        message["Date"] = "Mon, 30 Nov 2026 16:05:01 +0100"
        message["Message-ID"] = f"<bench-{index}-{rng.getrandbits(48):x}@{address.split('@')[1]}>"
        message["In-Reply-To"] = "<ticket-2@rollout.example.org>"
        message["References"] = "<ticket-2@rollout.example.org>"
        text = body(rng, team)
        if index % 10 == 0:
            message.set_content(text)
            html = "<html><body><p>" + "<br>".join(text.split("\n")[:4]) + "</p><blockquote>" + QUOTE.replace("\n", "<br>") + "</blockquote></body></html>"
            message.add_alternative(html, subtype="html")
        else:
            message.set_content(text)
        with open(os.path.join(root, "new", f"{1764514000 + index}.{index}.bench:2,"), "wb") as file:
            file.write(message.as_bytes())


if __name__ == "__main__":
    main()
