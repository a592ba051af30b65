"""Remakes docs/web-rollouts.png and docs/web-ticket.png: headless Chromium over a demo rollout.

Usage: /usr/bin/python3 Tests/web/screenshots.py GATEWAY_BINARY REPOSITORY"""
import os
import sys

from web_world import MANAGER, WebWorld, chromium


def main(gateway, repository):
    world = WebWorld(gateway, repository)
    try:
        world.cli("apply", "--ticket", "2", "--as", "paolo.veronesi@cnaf.example.org", "accept NGI_IT-INFN-T1\nggus 123456")
        world.cli("apply", "--ticket", "2", "--as", "pavel.weber@kit.example.org", "reject NGI_DE-FZK-LCG2")
        docs = os.path.join(repository, "docs")
        os.makedirs(docs, exist_ok=True)
        for name, path, size in [("web-rollouts.png", "/", "1100,420"), ("web-ticket.png", "/tickets/2", "1100,1900"),
                                 ("web-ticket-phone.png", "/tickets/2", "400,1400")]:
            out = os.path.join(docs, name)
            result = chromium(f"--screenshot={out}", f"--window-size={size}", "--hide-scrollbars", world.url(MANAGER, path))
            if not os.path.exists(out):
                sys.exit(f"no screenshot {name}: {result.stderr}")
            print(out)
    finally:
        world.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
