"""A demo store with one staged rollout, `rollout-gateway serve` over it, and a login proxy per person."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request

import login_proxy

NOW = "2026-11-27T15:00:00+01:00"
MANAGER = "mario.david@lip.example.org"
MEMBER = "paolo.veronesi@cnaf.example.org"


class WebWorld:
    def __init__(self, gateway, repository):
        self.gateway = gateway
        self.folder = tempfile.mkdtemp(prefix="rollout-web-")
        demo = os.path.join(repository, "fixtures", "demo")
        text = open(os.path.join(demo, "gateway.yaml"), encoding="utf-8").read()
        text = text.replace("sqlite: ../../demo-out/gateway.sqlite", f"sqlite: {self.folder}/gateway.sqlite")
        text = text.replace("maildir: ../../demo-out/outbox", f"maildir: {self.folder}/outbox")
        text = text.replace("./hooks/", os.path.join(demo, "hooks") + "/")
        # The proxies connect from 127.0.0.2: listed explicitly, as an operator lists theirs; 127.0.0.1 is not.
        text += f"\nweb:\n  trusted_proxies: [{login_proxy.SOURCE}]\n  listen: 127.0.0.1:8025\n"
        self.config = os.path.join(self.folder, "gateway.yaml")
        open(self.config, "w", encoding="utf-8").write(text)
        self.env = dict(os.environ, ROLLOUT_GATEWAY_CONFIG=self.config, ROLLOUT_GATEWAY_NOW=NOW,
                        RG_HOOK_LOG=os.path.join(self.folder, "hooks.log"))
        self.cli("release", "new", "--stack", "EMI-1.0", "--component", "SE-DPM_mysql", "--version", "1.8.0-1",
                 "--os", "SL5", "--arch", "x86_64", "--release-notes", "https://wiki.egi.eu/notes",
                 "--fixed-bugs", "https://bugs.example.org/1", "--documentation", "https://docs.example.org/dpm")
        self.cli("release", "stage", "1")
        self.cli("apply", "--ticket", "2", "--as", MANAGER, "assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2 IBERGRID-LIP-Lisbon")
        self.server = subprocess.Popen([gateway, "serve", "--port", "0"], env=self.env, stdout=subprocess.PIPE,
                                       stderr=open(os.path.join(self.folder, "serve.log"), "w"), text=True)
        line = self.server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            self.close()
            raise RuntimeError(f"serve did not start: {line!r}; see {self.folder}/serve.log")
        self.port = int(match.group(1))
        self.proxies = {person: login_proxy.start(self.port, person) for person in (MANAGER, MEMBER)}

    def cli(self, *arguments):
        return subprocess.run([self.gateway, *arguments], env=self.env, check=True, capture_output=True, text=True).stdout

    def ticket(self, number):
        """The store's ticket, read by the command line beside the running serve (as cron's `run` and the MTA's
        `ingest` run beside it in production)."""
        return json.loads(self.cli("tickets", "show", str(number), "--json"))

    def url(self, person, path):
        return f"http://127.0.0.1:{self.proxies[person][1]}{path}"

    def direct(self, path, headers):
        """A request straight to `serve`, not through a proxy: (status, body)."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def close(self):
        for server, _ in getattr(self, "proxies", {}).values():
            server.shutdown()
        self.server.terminate()
        self.server.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def chromium(*arguments, timeout=60):
    """Headless Chromium (Debian's package) with a throw-away profile."""
    profile = tempfile.mkdtemp(prefix="rollout-chromium-")
    try:
        return subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                               f"--user-data-dir={profile}", *arguments],
                              capture_output=True, text=True, timeout=timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
