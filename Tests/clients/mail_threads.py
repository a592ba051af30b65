#!/usr/bin/env python3
"""Reads a person's mail as a mail client does and prints its threads as JSON (issue 20 #8).

    mail_threads.py MAILDIR [MAILDIR ...]

Every message of the Maildirs (a person's inbox, and the folder of what they sent) is read with Python's `email`
package and threaded with JWZ's algorithm (the `threadweave` package from PyPI, as Thunderbird and mutt thread:
Message-ID, References, In-Reply-To; no grouping by subject). Prints:

    {"messages": N,
     "threads": [{"root": ID or null, "root_present": bool, "size": n, "tickets": ["staged-rollout #12", ...]}],
     "missing": [IDs named by References/In-Reply-To that no message of the mailbox has]}

A missing ID is what Thunderbird shows as a missing parent. Exits 2 when threadweave is not installed
(scripts/install-deps.sh --test installs it): the test that runs this fails then, it does not skip.
"""

import email
import email.policy
import json
import mailbox
import re
import sys

try:
    from threadweave import Message, extract_reference_ids, normalize_message_id, thread_messages
except ImportError as error:
    print(f"threadweave is missing ({error}): run scripts/install-deps.sh --test", file=sys.stderr)
    sys.exit(2)

TAG = re.compile(r"\[((?:staged-rollout|sw-rel) #\d+)\]")


def read(folders):
    messages = []
    for folder in folders:
        box = mailbox.Maildir(folder, factory=lambda file: email.message_from_binary_file(file, policy=email.policy.default), create=False)
        for key in sorted(box.keys()):
            parsed = box[key]
            subject = str(parsed.get("Subject", ""))
            messages.append(
                Message(
                    message_id=normalize_message_id(str(parsed.get("Message-ID", ""))),
                    in_reply_to=(extract_reference_ids(str(parsed.get("In-Reply-To", ""))) or [None])[-1],
                    references=extract_reference_ids(str(parsed.get("References", ""))),
                    subject=subject,
                    payload=TAG.findall(subject),
                )
            )
    return messages


def main(folders):
    messages = read(folders)
    present = {message.message_id for message in messages}
    named = set()
    for message in messages:
        named.update(message.references)
        if message.in_reply_to:
            named.add(message.in_reply_to)
    threads = []
    for root in thread_messages(messages):
        members = [root] + list(root.iter_descendants())
        tickets = sorted({tag for member in members if member.message for tag in member.message.payload})
        threads.append(
            {
                "root": root.message.message_id if root.message else None,
                "root_present": root.message is not None,
                "size": sum(1 for member in members if member.message),
                "tickets": tickets,
            }
        )
    print(json.dumps({"messages": len(messages), "threads": threads, "missing": sorted(named - present)}))


if __name__ == "__main__":
    main(sys.argv[1:])
