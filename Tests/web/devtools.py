"""A small driver of headless Chromium through the DevTools protocol (python3-websockets): open a page, click a
form's button as a person would, wait for the page the form's POST answers with."""
import asyncio
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

import websockets


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="rollout-devtools-")
        self.process = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-port=0",
             f"--user-data-dir={self.profile}", "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + 30
        while not os.path.exists(port_file) or not open(port_file).read().strip():
            if time.monotonic() > deadline:
                self.close()
                raise RuntimeError("Chromium did not open its DevTools port within 30 s")
            time.sleep(0.05)
        self.port = int(open(port_file).read().split()[0])
        self.next_id = 0

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)

    def new_tab(self):
        """A fresh tab for each form: no event of an earlier page can be taken for this one's."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/json/new?about:blank", method="PUT")
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)

    def close_tab(self, target):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/close/{target['id']}", timeout=10):
            pass

    async def call(self, socket, method, **params):
        self.next_id += 1
        number = self.next_id
        await socket.send(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads(await asyncio.wait_for(socket.recv(), 30))
            if message.get("id") == number:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    async def wait_for_load(self, socket):
        while True:
            message = json.loads(await asyncio.wait_for(socket.recv(), 30))
            if message.get("method") == "Page.loadEventFired":
                return

    async def evaluate(self, socket, expression):
        result = await self.call(socket, "Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def submit(self, url, button_selector):
        """Opens `url`, clicks the button, and returns the answered page's (URL, #result class, HTML)."""
        tab = self.new_tab()
        try:
            return await self._submit(tab, url, button_selector)
        finally:
            self.close_tab(tab)

    async def _submit(self, tab, url, button_selector):
        async with websockets.connect(tab["webSocketDebuggerUrl"], max_size=None) as socket:
            await self.call(socket, "Page.enable")
            await self.call(socket, "Page.navigate", url=url)
            await self.wait_for_load(socket)
            found = await self.evaluate(socket, f"!!document.querySelector({json.dumps(button_selector)})")
            if not found:
                raise AssertionError(f"{url} has no {button_selector}")
            # A click: the same as a person's, the form posts without any script of the page's.
            await self.evaluate(socket, f"document.querySelector({json.dumps(button_selector)}).click()")
            await self.wait_for_load(socket)
            result = await self.evaluate(socket, "(document.querySelector('#result') || {className: 'none'}).className")
            html = await self.evaluate(socket, "document.documentElement.outerHTML")
            return result, html
