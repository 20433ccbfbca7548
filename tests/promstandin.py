#!/usr/bin/env python3
"""promstandin.py: a small stand-in Prometheus for the shell tests.

Usage: promstandin.py TARGETS_JSON PORT_FILE LOG_FILE
Serves TARGETS_JSON (the whole answer, read at each request, so a test may
rewrite it) at /api/v1/targets, an empty vector at /api/v1/query (with the
`time` asked echoed in the answer) and an empty matrix at /api/v1/query_range.
Listens on 127.0.0.1 at a free port, written to PORT_FILE once listening; each
request's path and query go to LOG_FILE, one a line.
"""
import http.server
import json
import sys
import urllib.parse

targets_file, port_file, log_file = sys.argv[1:4]


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):  # quiet: the log file says what was asked
        pass

    def answer(self, code, body):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with open(log_file, "a") as f:
            f.write(self.path + "\n")
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        if url.path == "/api/v1/targets":
            with open(targets_file, "rb") as f:
                self.answer(200, f.read())
        elif url.path == "/api/v1/query":
            t = float(q.get("time", ["0"])[0])
            self.answer(200, json.dumps({"status": "success", "data": {
                "resultType": "vector", "result": [
                    {"metric": {"job": "standin"}, "value": [t, "1"]}]}}))
        elif url.path == "/api/v1/query_range":
            self.answer(200, json.dumps({"status": "success", "data": {
                "resultType": "matrix", "result": []}}))
        else:
            self.answer(404, json.dumps({"status": "error", "errorType": "not_found",
                                         "error": "not in the stand-in"}))


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os
os.rename(port_file + ".tmp", port_file)
srv.serve_forever()
