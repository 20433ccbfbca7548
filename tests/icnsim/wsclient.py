#!/usr/bin/env python3
"""A tiny websocket client for icnsim's tests (standard library only).

Usage: wsclient.py [-H 'Name: value']... [--duration SECONDS] URL

Connects to ws://HOST:PORT/PATH?QUERY, answers pings, and prints one line per
event on stdout:
  HTTP <status> <body>     the server refused the upgrade
  TEXT <payload>           a text frame
  PING                     a ping (answered with a pong)
  CLOSE <code> <reason>    a close frame (1005 when it had no code)
  CLOSE 1006               the connection ended without a close frame
  TIMEOUT                  --duration passed (default 10 s); sends close 1000
"""
import base64
import os
import socket
import struct
import sys
import time
import urllib.parse


def main():
    args = sys.argv[1:]
    headers = []
    duration = 10.0
    while args and args[0].startswith("-"):
        if args[0] == "-H":
            headers.append(args[1])
            args = args[2:]
        elif args[0] == "--duration":
            duration = float(args[1])
            args = args[2:]
        else:
            sys.exit("wsclient.py: unknown option " + args[0])
    if len(args) != 1:
        sys.exit(__doc__)
    url = urllib.parse.urlsplit(args[0])
    path = url.path + ("?" + url.query if url.query else "")
    sock = socket.create_connection((url.hostname, url.port or 80), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    req = ("GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n" % (path, url.netloc, key))
    for h in headers:
        req += h + "\r\n"
    sock.sendall((req + "\r\n").encode())
    out = sys.stdout
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(4096)
        if not chunk:
            break
        buf += chunk
    head, _, buf = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
    if status != 101:
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        while len(buf) < length:
            chunk = sock.recv(4096)
            if not chunk:
                break
            buf += chunk
        out.write("HTTP %d %s\n" % (status, buf.decode("utf-8", "replace").strip()))
        return
    deadline = time.monotonic() + duration

    def need(n):
        nonlocal buf
        while len(buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            sock.settimeout(left)
            chunk = sock.recv(65536)
            if not chunk:
                raise EOFError
            buf += chunk
        data, buf = buf[:n], buf[n:]
        return data

    def send(opcode, payload):
        mask = os.urandom(4)
        n = len(payload)
        hdr = bytes([0x80 | opcode])
        if n < 126:
            hdr += bytes([0x80 | n])
        elif n < 65536:
            hdr += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            hdr += bytes([0x80 | 127]) + struct.pack("!Q", n)
        sock.sendall(hdr + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    message = b""
    try:
        while True:
            b0, b1 = need(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", need(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", need(8))[0]
            mask = need(4) if b1 & 0x80 else None
            payload = need(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode in (0x0, 0x1):
                message += payload
                if b0 & 0x80:
                    out.write("TEXT " + message.decode("utf-8") + "\n")
                    message = b""
            elif opcode == 0x9:
                out.write("PING\n")
                send(0xA, payload)
            elif opcode == 0x8:
                if len(payload) >= 2:
                    code = struct.unpack("!H", payload[:2])[0]
                    out.write("CLOSE %d %s\n" % (code, payload[2:].decode("utf-8", "replace")))
                else:
                    out.write("CLOSE 1005\n")
                try:
                    send(0x8, payload[:2])
                except OSError:
                    pass
                return
            out.flush()
    except (EOFError, ConnectionResetError):
        out.write("CLOSE 1006\n")
    except (TimeoutError, socket.timeout):
        out.write("TIMEOUT\n")
        try:
            send(0x8, struct.pack("!H", 1000))
        except OSError:
            pass
    finally:
        out.flush()
        sock.close()


if __name__ == "__main__":
    main()
