#!/usr/bin/env python3
"""A stand-in for GOCDB's public read API (…/gocdbpi/public/?method=…), which cannot run here.

usage: gocdb_fake.py PORT REGISTRY.json NOW_EPOCH

Serves get_service_endpoint (sitename=) and get_downtime (topentity=, ongoing_only=) in GOCDB's XML shapes, with
GOCDB's quirks: `topentity` and `sitename` are matched with SQL LIKE (`_` and `%` are wildcards), `ongoing_only`
filters whenever it is present, and any unknown parameter or method answers <error>. Prints "ready" when listening.
"""
import json, re, sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import urlparse, parse_qs
from xml.sax.saxutils import escape

PORT, REGISTRY, NOW = int(sys.argv[1]), json.load(open(sys.argv[2])), int(sys.argv[3])
KNOWN = {"get_service_endpoint": {"method", "sitename"}, "get_downtime": {"method", "topentity", "ongoing_only"}}


def like(pattern, value):
    regex = "".join("." if c == "_" else ".*" if c == "%" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value) is not None


def element(name, value):
    return f"    <{name}>{escape(str(value))}</{name}>\n"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, body):
        data = ('<?xml version="1.0" encoding="UTF-8"?>\n<results>\n' + body + "</results>\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        query = parse_qs(urlparse(self.path).query, keep_blank_values=True)
        method = query.get("method", [""])[0]
        if method not in KNOWN or set(query) - KNOWN[method]:
            return self.answer("  <error>Unknown parameter or method</error>\n")
        if method == "get_service_endpoint":
            body = ""
            for s in REGISTRY["services"]:
                if "sitename" in query and not like(query["sitename"][0], s["site"]):
                    continue
                body += f'  <SERVICE_ENDPOINT PRIMARY_KEY="{abs(hash(s["hostname"])) % 10000}G0">\n' + element("HOSTNAME", s["hostname"]) \
                    + element("BETA", s["beta"]) + element("SERVICE_TYPE", s["type"]) + element("IN_PRODUCTION", "Y") \
                    + element("SITENAME", s["site"]) + "  </SERVICE_ENDPOINT>\n"
            return self.answer(body)
        body = ""
        for d in REGISTRY["downtimes"]:
            if "topentity" in query and not like(query["topentity"][0], d["site"]):
                continue
            start, end = NOW + d["start"], NOW + d["end"]
            if "ongoing_only" in query and not (start <= NOW < end):
                continue
            body += f'  <DOWNTIME ID="{d["id"]}" PRIMARY_KEY="{d["id"]}G0" CLASSIFICATION="SCHEDULED">\n' + element("PRIMARY_KEY", d["id"] + "G0") \
                + element("HOSTNAME", d["hostname"]) + element("SERVICE_TYPE", d["type"]) + element("HOSTED_BY", d["site"]) \
                + element("SEVERITY", d["severity"]) + element("DESCRIPTION", d["description"]) \
                + element("START_DATE", start) + element("END_DATE", end) + "  </DOWNTIME>\n"
        return self.answer(body)


server = HTTPServer(("127.0.0.1", PORT), Handler)
print("ready", flush=True)
server.serve_forever()
