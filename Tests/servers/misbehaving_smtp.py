#!/usr/bin/python3
"""An SMTP server that misbehaves on purpose, for the integration tests.

Run with Debian's /usr/bin/python3 (python3-aiosmtpd). Every connection and every accepted
message is appended to --log as one JSON object per line, written before the client sees the
reply, so a test can read the log as soon as its client has returned.

  misbehaving_smtp.py --port PORT --hostname NAME --log FILE [behaviour...]

Behaviours (combinable):
  --greeting-421          answer every connection with 421 and close it
  --refuse-data-451       answer the DATA command with 451
  --refuse-rcpt ADDR      answer RCPT TO:<ADDR> with 550 (repeatable)
  --drop-in-data N        on the first N DATA commands, read one line of the message and close
  --slow-data SECONDS     wait this long (at most 30 s) before answering the end of data
  --slow-count N          ... only for the first N messages (default: all)
  --auth USER:PASSWORD    require AUTH (PLAIN/LOGIN, no TLS needed on loopback); other credentials get
                          535 5.7.8, MAIL FROM without AUTH 530 5.7.0
  --greeting-554          answer every connection with 554 (no SMTP service here) and close it
  --refuse-mail-from TEXT answer MAIL FROM with 550 5.7.1 when the address contains TEXT (repeatable)
  --refuse-data-554       answer the end of data with 554 5.6.0 (the message is refused)
  --auth-454              offer AUTH and answer every attempt 454 4.7.0 (the MTA's login service is down)
"""

import argparse
import asyncio
import json
import signal
import sys
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def parse_arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--hostname", required=True, help="name in the greeting; lets the test see it is ours")
    parser.add_argument("--log", required=True)
    parser.add_argument("--greeting-421", action="store_true")
    parser.add_argument("--refuse-data-451", action="store_true")
    parser.add_argument("--refuse-rcpt", action="append", default=[])
    parser.add_argument("--drop-in-data", type=int, default=0)
    parser.add_argument("--slow-data", type=float, default=0.0)
    parser.add_argument("--slow-count", type=int, default=-1)
    parser.add_argument("--auth")
    parser.add_argument("--greeting-554", action="store_true")
    parser.add_argument("--refuse-mail-from", action="append", default=[])
    parser.add_argument("--refuse-data-554", action="store_true")
    parser.add_argument("--auth-454", action="store_true")
    parser.add_argument("--rcpt-421", action="append", default=[], help="answer RCPT TO this address with 421")
    return parser.parse_args()


class Recorder:
    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8")

    def write(self, **event):
        # When the server saw it (monotonic seconds): timing told by the server, not by a client that may wait to run.
        event["at"] = time.monotonic()
        self.file.write(json.dumps(event) + "\n")
        self.file.flush()


class Handler:
    def __init__(self, options, recorder):
        self.options = options
        self.recorder = recorder
        self.refused = {address.lower() for address in options.refuse_rcpt}
        self.slow_left = options.slow_count

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if any(text.lower() in address.lower() for text in self.options.refuse_mail_from):
            self.recorder.write(event="mail-from-refused", peer=list(session.peer), mail_from=address)
            return "550 5.7.1 <%s>: Sender address rejected: Access denied" % address
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if address.lower() in {text.lower() for text in self.options.rcpt_421}:
            self.recorder.write(event="rcpt-421", peer=list(session.peer), rcpt=address)
            return "421 4.7.0 <%s>: policy service busy, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.recorder.write(
            event="message",
            peer=list(session.peer),
            mail_from=envelope.mail_from,
            rcpt_tos=envelope.rcpt_tos,
            data=envelope.original_content.decode("utf-8", "replace"),
        )
        if self.options.refuse_data_554:
            return "554 5.6.0 Message refused: content not accepted"
        if self.options.slow_data > 0 and self.slow_left != 0:
            self.slow_left -= 1
            await asyncio.sleep(min(self.options.slow_data, 30.0))
        return "250 2.0.0 OK: queued"


class MisbehavingSMTP(SMTP):
    options = None
    recorder = None
    drops_left = 0

    async def _handle_client(self):
        self.recorder.write(event="connect", peer=list(self.session.peer))
        if self.options.greeting_554:
            await self.push("554 5.3.2 %s No SMTP service here" % self.hostname)
            self.transport.close()
            return
        if self.options.greeting_421:
            await self.push("421 4.3.2 %s Service not available, try later" % self.hostname)
            self.transport.close()
            return
        await super()._handle_client()

    async def smtp_QUIT(self, arg):
        self.recorder.write(event="quit", peer=list(self.session.peer))
        await super().smtp_QUIT(arg)

    async def smtp_DATA(self, arg):
        if self.options.refuse_data_451 and self.envelope.rcpt_tos:
            await self.push("451 4.3.0 Temporary failure, try again later")
            return
        if MisbehavingSMTP.drops_left > 0 and self.envelope.rcpt_tos:
            MisbehavingSMTP.drops_left -= 1
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            await self._reader.readline()
            self.recorder.write(event="dropped", peer=list(self.session.peer))
            self.transport.close()
            self.transport = None
            return
        await super().smtp_DATA(arg)


async def main():
    options = parse_arguments()
    recorder = Recorder(options.log)
    MisbehavingSMTP.options = options
    MisbehavingSMTP.recorder = recorder
    MisbehavingSMTP.drops_left = options.drop_in_data
    handler = Handler(options, recorder)
    authentication = {}
    if options.auth:
        user, password = options.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
            recorder.write(event="auth-ok" if ok else "auth-refused", peer=list(session.peer))
            return AuthResult(success=ok, handled=False)

        authentication = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    if options.auth_454:

        def unavailable(server, session, envelope, mechanism, auth_data):
            recorder.write(event="auth-454", peer=list(session.peer))
            return AuthResult(success=False, handled=False, message="454 4.7.0 Temporary authentication failure")

        authentication = dict(authenticator=unavailable, auth_required=True, auth_require_tls=False)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: MisbehavingSMTP(
            handler, hostname=options.hostname, ident="misbehaving", enable_SMTPUTF8=True, **authentication),
        host=options.host,
        port=options.port,
    )
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    server.close()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except OSError as error:
        print("misbehaving_smtp: %s" % error, file=sys.stderr)
        sys.exit(1)
