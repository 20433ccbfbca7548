#!/usr/bin/env python3
"""jaegerstandin.py: stand-ins for Jaeger that icnsim is not, for the shell tests.

Usage: jaegerstandin.py MODE PORT_FILE
MODE hostile: Jaeger's v1 API whose one trace (id 00000000000000000000000000000bad)
  has operation names, service names and tags holding terminal escapes, control
  characters and bidi overrides; a search of any service finds it.
MODE html: a web page (200 text/html) at every path, as a UI or a proxy's
  login page would.
MODE nothttp: a TCP peer that answers any request with an SSH banner.
MODE hang: an HTTP server that reads every request and never answers.
MODE broken: Jaeger's v1 API with one service, "svc", whose search finds two
  traces: one with no spans (id 000000000000000000000000000000e0) and one whose
  spans' references go round (a child of b, b child of a, c its own parent;
  id 000000000000000000000000000000c0).
Listens on 127.0.0.1 at a free port, written to PORT_FILE once listening.
"""
import http.server
import json
import os
import socketserver
import sys
import time

mode, port_file = sys.argv[1:3]

TID = "00000000000000000000000000000bad"
ESC = "\x1b"
HOSTILE_OP = ESC + "[2J" + ESC + "]0;pwned\x07red" + ESC + "[31m op\r\n\x9b31m\u202eevil"
HOSTILE_SVC = "svc" + ESC + "[5m\x08\x7f"


def span(sid, op, parent, start, dur, tags):
    refs = [{"refType": "CHILD_OF", "traceID": TID, "spanID": parent}] if parent else []
    return {"traceID": TID, "spanID": sid, "operationName": op, "references": refs,
            "startTime": start, "duration": dur, "tags": tags, "logs": [],
            "processID": "p1", "warnings": None}


def trace():
    t0 = 1764471721000000
    return {"traceID": TID, "processes": {"p1": {"serviceName": HOSTILE_SVC, "tags": []}},
            "warnings": None,
            "spans": [
                span("00000000000000a1", HOSTILE_OP, None, t0, 5000,
                     [{"key": "note" + ESC + "[1m", "type": "string", "value": ESC + "]52;c;aGk=\x07"}]),
                span("00000000000000a2", "child\x01\x1f" + ESC + "c", "00000000000000a1", t0 + 1000, 2000,
                     [{"key": "error", "type": "bool", "value": True}]),
            ]}


def broken_traces():
    t0 = 1764471721000000

    def sp(tid, sid, op, parent, start):
        return {"traceID": tid, "spanID": sid, "operationName": op, "startTime": start, "duration": 1000,
                "references": [{"refType": "CHILD_OF", "traceID": tid, "spanID": parent}], "tags": [],
                "logs": [], "processID": "p1", "warnings": None}
    cyc = "000000000000000000000000000000c0"
    empty = {"traceID": "000000000000000000000000000000e0", "spans": [],
             "processes": {}, "warnings": None}
    cycle = {"traceID": cyc, "processes": {"p1": {"serviceName": "svc", "tags": []}}, "warnings": None,
             "spans": [sp(cyc, "00000000000000aa", "alpha", "00000000000000bb", t0),
                       sp(cyc, "00000000000000bb", "beta", "00000000000000aa", t0 + 100),
                       sp(cyc, "00000000000000cc", "selfref", "00000000000000cc", t0 + 200)]}
    return {t["traceID"]: t for t in (empty, cycle)}


def envelope(data, errors=None):
    return json.dumps({"data": data, "total": 0, "limit": 0, "offset": 0, "errors": errors})


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def answer(self, code, ctype, body):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if mode == "hang":
            time.sleep(3600)
            return
        if mode == "html":
            self.answer(200, "text/html; charset=utf-8",
                        "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>"
                        "<body><form>user <input name=u></form></body></html>\n")
            return
        path = self.path.split("?")[0]
        if mode == "broken":
            bt = broken_traces()
            if path == "/api/services":
                self.answer(200, "application/json", envelope(["svc"]))
            elif path == "/api/traces":
                self.answer(200, "application/json", envelope(list(bt.values())))
            elif path.startswith("/api/traces/") and path[len("/api/traces/"):] in bt:
                self.answer(200, "application/json", envelope([bt[path[len("/api/traces/"):]]]))
            else:
                self.answer(404, "text/plain; charset=utf-8",
                            envelope(None, [{"code": 404, "msg": "trace not found"}]) + "\n")
            return
        if path == "/api/services":
            self.answer(200, "application/json", envelope([HOSTILE_SVC]))
        elif path == "/api/traces":
            self.answer(200, "application/json", envelope([trace()]))
        elif path == "/api/traces/" + TID:
            self.answer(200, "application/json", envelope([trace()]))
        elif path.startswith("/api/traces/"):
            self.answer(404, "text/plain; charset=utf-8",
                        envelope(None, [{"code": 404, "msg": "trace not found"}]) + "\n")
        else:
            self.answer(404, "text/plain; charset=utf-8", "404 page not found\n")


class Banner(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.recv(4096)
        self.request.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\nProtocol mismatch.\r\n")


if mode == "nothttp":
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Banner)
else:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(port_file + ".tmp", port_file)
srv.serve_forever()
