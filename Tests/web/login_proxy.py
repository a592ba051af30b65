"""A tiny reverse proxy on loopback standing in for the operator's login proxy (Apache + mod_auth_openidc):
it drops whatever identity header the client sent and sets its own for the one person it was started for.

It connects to `serve` from 127.0.0.2 (all of 127/8 is loopback on Linux), the address web.trusted_proxies lists:
a client on 127.0.0.1 that writes the header itself is then not believed."""
import http.client
import http.server
import threading

# The address the proxy connects from: the one the configuration trusts.
SOURCE = "127.0.0.2"

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "host", "content-length"}


def start(upstream_port, person, header="X-Remote-User", port=0):
    """Starts a proxy for `person` on a loopback port (0: a free one); returns (server, port)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in HOP_BY_HOP and k.lower() != header.lower()}
            headers[header] = person
            upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=30, source_address=(SOURCE, 0))
            upstream.request(self.command, self.path, body=body, headers=headers)
            answer = upstream.getresponse()
            data = answer.read()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            upstream.close()

        do_GET = forward
        do_POST = forward

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]



if __name__ == "__main__":
    # make demo-web: python3 login_proxy.py LISTEN_PORT UPSTREAM_PORT PERSON
    import sys

    _, listening = start(int(sys.argv[2]), sys.argv[3], port=int(sys.argv[1]))
    print(f"login proxy for {sys.argv[3]} on http://127.0.0.1:{listening}/", flush=True)
    threading.Event().wait()
