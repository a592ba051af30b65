#!/usr/bin/env python3
"""The parse-only reference: Python's email package reading every message of a Maildir's new/.

Prints messages/s; run it under /usr/bin/time -v for its peak RSS."""
import os
import sys
import time
from email import policy
from email.parser import BytesParser

root = os.path.join(sys.argv[1], "new")
parser = BytesParser(policy=policy.default)
names = sorted(os.listdir(root))
start = time.perf_counter()
for name in names:
    with open(os.path.join(root, name), "rb") as file:
        message = parser.parse(file)
    part = message.get_body(preferencelist=("plain", "html"))
    if part is not None:
        part.get_content()
elapsed = time.perf_counter() - start
print(f"python email: {len(names)} messages in {elapsed:.2f} s = {len(names) / elapsed:.0f} msg/s")
