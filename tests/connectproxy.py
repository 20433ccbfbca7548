#!/usr/bin/env python3
"""connectproxy.py: an HTTP proxy on 127.0.0.1 for the tests, standard library only.

CONNECT host:port is tunnelled (the websocket tail, https); any other method
with an absolute URL ("GET http://host:port/path HTTP/1.1") is forwarded as
plain HTTP/1.0 with the connection closed after it (curl's http:// through a
proxy). Each request is logged on stdout as "CONNECT host:port" or
"GET http://...", flushed, so a test counts what went through it. With
--refuse, every CONNECT is answered 403. Prints "listening on PORT" first.
"""
import argparse
import select
import socket
import sys
import threading


def log(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def read_head(sock):
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b""
        buf += chunk
        if len(buf) > 65536:
            return None, b""
    head, rest = buf.split(b"\r\n\r\n", 1)
    return head.decode("latin-1"), rest


def pipe(a, b):
    socks = [a, b]
    try:
        while True:
            r, _, _ = select.select(socks, [], [], 120)
            if not r:
                return
            for s in r:
                data = s.recv(65536)
                if not data:
                    return
                (b if s is a else a).sendall(data)
    except OSError:
        return


def handle(client, refuse):
    try:
        head, rest = read_head(client)
        if head is None:
            return
        lines = head.split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        if method == "CONNECT":
            log("CONNECT " + target)
            if refuse:
                client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                return
            host, port = target.rsplit(":", 1)
            try:
                up = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
            except OSError:
                client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                return
            up.settimeout(None)
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if rest:
                up.sendall(rest)
            pipe(client, up)
            up.close()
            return
        log(method + " " + target)
        if not target.startswith("http://"):
            client.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            return
        hostport, _, path = target[7:].partition("/")
        host, _, port = hostport.rpartition(":")
        if not host:
            host, port = hostport, "80"
        up = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
        hdrs = [h for h in lines[1:] if not h.lower().startswith(("proxy-", "connection:", "keep-alive:"))]
        req = "%s /%s HTTP/1.0\r\n%s\r\nConnection: close\r\n\r\n" % (method, path, "\r\n".join(hdrs))
        up.sendall(req.encode("latin-1") + rest)
        pipe(client, up)
        up.close()
    except (OSError, ValueError):
        pass
    finally:
        client.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--refuse", action="store_true")
    a = ap.parse_args()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", a.port))
    srv.listen(64)
    log("listening on %d" % srv.getsockname()[1])
    while True:
        c, _ = srv.accept()
        threading.Thread(target=handle, args=(c, a.refuse), daemon=True).start()


if __name__ == "__main__":
    main()
