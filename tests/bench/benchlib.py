#!/usr/bin/env python3
"""benchlib.py: timing helpers for the shell benchmarks in tests/bench (not run alone).

Millisecond timing from one process: sending a key through tmux and polling
Alertmanager or the screen in a tight loop, without a process per poll where it
can be avoided. Prints figures; asserts nothing.

  benchlib.py ack-tui SOCK TARGET AM_URL COMMENT
        send `y` to the pane, poll GET /api/v2/silences until a silence with
        COMMENT is there; prints "SEND_NS VISIBLE_NS SILENCE_ID"
  benchlib.py amtool AMTOOL AM_URL COMMENT AUTHOR
        run `amtool silence add alertname=VortexOOM`, poll as above; prints
        "START_NS VISIBLE_NS EXIT_NS SILENCE_ID"
  benchlib.py logtimes LOG SILENCE_ID
        from the console's --log: when the write started (the "note:
        acknowledging" line before it) and when "alertmanager write done: ID"
        was logged, as epoch ns: "START_NS DONE_NS"
  benchlib.py keys SOCK TARGET OUT KEY...
        for each tmux KEY: send it and poll `tmux capture-pane` until the screen
        differs from before the key (header clock and "updated Ns ago" masked);
        appends "KEY MS" lines to OUT ("KEY -" when nothing changed in 2 s)
  benchlib.py keys-until SOCK TARGET OUT SPEC...
        for screens that change by themselves (a view ingesting lines): SPEC is
        KEY+REGEX or KEY-REGEX; send KEY and poll `tmux capture-pane` until
        REGEX is (+) or is no longer (-) found in its text (no attributes); appends "KEY MS"
        ("KEY -" when not within 2 s, "KEY =" when it already held before the
        key: not measured)
  benchlib.py post-alerts AM_URL N [EVERY_S]
        POST N distinct alerts (labels alertname, severity, node, region,
        instance; a summary) to /api/v2/alerts, ending in 5 minutes; with
        EVERY_S, again every EVERY_S seconds until killed (they stay active)
  benchlib.py stats LABEL [UNIT] < VALUES
        "LABEL: median X, p90 X, min X, max X (n=N)"
  benchlib.py pstats LABEL [UNIT] < VALUES
        "LABEL: p50 X, p90 X, p99 X, max X (n=N)" (nearest rank)
  benchlib.py ratio FILE_A FILE_B
        median of the numbers in FILE_A over the median of those in FILE_B
  benchlib.py run-rss CMD...
        run CMD (its output to /dev/null), print "EXIT WALL_MS CPU_MS MAXRSS_KB"
        from the kernel's rusage of the child (exact peak, unlike polling)
  benchlib.py run-rss-to FILE CMD...
        the same with CMD's standard output kept in FILE
"""
import datetime as dt
import json
import re
import subprocess
import sys
import time
import urllib.request


def now_ns():
    return time.time_ns()


def silence_with_comment(am, comment):
    with urllib.request.urlopen(am + "/api/v2/silences", timeout=5) as r:
        for s in json.load(r):
            if s.get("comment") == comment and s.get("status", {}).get("state") == "active":
                return s["id"]
    return None


def poll_silence(am, comment, limit_s=20):
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        sid = silence_with_comment(am, comment)
        if sid:
            return now_ns(), sid
    return None, None


def cmd_ack_tui(sock, target, am, comment):
    t0 = now_ns()
    subprocess.run(["tmux", "-L", sock, "send-keys", "-t", target, "y"], check=True)
    t1, sid = poll_silence(am, comment)
    if not sid:
        sys.exit("ack-tui: the silence never showed in Alertmanager")
    print(t0, t1, sid)


def cmd_amtool(amtool, am, comment, author):
    t0 = now_ns()
    p = subprocess.Popen([amtool, "--alertmanager.url=" + am, "silence", "add", "alertname=VortexOOM",
                          "--duration=2h", "--comment=" + comment, "--author=" + author],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t1, sid = poll_silence(am, comment)
    out, err = p.communicate()
    t2 = now_ns()
    if p.returncode != 0 or not sid:
        sys.exit("amtool: exit %s: %s" % (p.returncode, err.strip()))
    if out.strip() and out.strip() != sid:
        sys.exit("amtool printed %r, Alertmanager has %r" % (out.strip(), sid))
    # amtool may exit before our poll sees it: then "visible" is the poll's time
    print(t0, t1, t2, sid)


def log_epoch_ns(hms):
    """HH:MM:SS.mmm in local time, the most recent such moment up to now (+1 min)."""
    h, m, rest = hms.split(":")
    s, ms = rest.split(".")
    now = dt.datetime.now()
    t = now.replace(hour=int(h), minute=int(m), second=int(s), microsecond=int(ms) * 1000)
    if t > now + dt.timedelta(minutes=1):
        t -= dt.timedelta(days=1)
    return int(t.timestamp() * 1000) * 1000000


def cmd_logtimes(log, sid):
    start = done = None
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            ts, _, msg = line.rstrip("\n").partition(" ")
            if msg.startswith("note: acknowledging"):
                start = ts
            elif msg == "alertmanager write done: " + sid:
                done = ts
                break
    if not (start and done):
        sys.exit("logtimes: no write start/done lines for %s in %s" % (sid, log))
    print(log_epoch_ns(start), log_epoch_ns(done))


CLOCK = re.compile(r"\b\d\d:\d\d:\d\d\b")
UPDATED = re.compile(r"updated \d+[smhd]* ago")


def screen(sock, target, esc=True):
    out = subprocess.run(["tmux", "-L", sock, "capture-pane", "-p"] + (["-e"] if esc else []) + ["-t", target],
                         stdout=subprocess.PIPE, check=True).stdout.decode("utf-8", "replace")
    lines = out.split("\n")
    if lines:
        lines[0] = CLOCK.sub("HH:MM:SS", lines[0])
    return UPDATED.sub("updated _ ago", "\n".join(lines))


def cmd_keys(sock, target, out, keys, settle=0.15, limit=2.0):
    with open(out, "a") as f:
        for k in keys:
            time.sleep(settle)  # let the previous key's paint finish
            before = screen(sock, target)
            t0 = time.perf_counter()
            lit = ["-l"] if len(k) == 1 else []  # a character as itself, a name (NPage) as a key
            subprocess.run(["tmux", "-L", sock, "send-keys", "-t", target] + lit + ["--", k], check=True)
            ms = None
            while time.perf_counter() - t0 < limit:
                if screen(sock, target) != before:
                    ms = (time.perf_counter() - t0) * 1000
                    break
            f.write("%s %s\n" % (k, "-" if ms is None else "%.1f" % ms))


def cmd_keys_until(sock, target, out, specs, settle=0.15, limit=2.0):
    with open(out, "a") as f:
        for spec in specs:
            m = re.fullmatch(r"(.+?)([+-])(.*)", spec, re.S)
            if not m:
                sys.exit("keys-until: SPEC is KEY+REGEX or KEY-REGEX: %r" % spec)
            k, want, rx = m.group(1), m.group(2) == "+", re.compile(m.group(3))
            time.sleep(settle)
            if bool(rx.search(screen(sock, target, False))) == want:
                f.write("%s =\n" % k)  # already so: the key would prove nothing
                continue
            t0 = time.perf_counter()
            lit = ["-l"] if len(k) == 1 else []
            subprocess.run(["tmux", "-L", sock, "send-keys", "-t", target] + lit + ["--", k], check=True)
            ms = None
            while time.perf_counter() - t0 < limit:
                if bool(rx.search(screen(sock, target, False))) == want:
                    ms = (time.perf_counter() - t0) * 1000
                    break
            f.write("%s %s\n" % (k, "-" if ms is None else "%.1f" % ms))


def cmd_post_alerts(am, n):
    now = dt.datetime.now(dt.timezone.utc)
    iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    sev = ["critical", "warning", "warning", "info", "info"]
    regions = ["eu-west", "us-east", "ap-south"]
    alerts = []
    for i in range(n):
        node = "node-%04d" % i
        alerts.append({
            "labels": {"alertname": "BenchAlert%02d" % (i % 20), "severity": sev[i % 5], "node": node,
                       "region": regions[i % 3], "instance": "10.%d.%d.%d:9100" % (i // 65536, i // 256 % 256, i % 256)},
            "annotations": {"summary": "bench alert %d of %d on %s" % (i, n, node)},
            # started 3 h ago: the FOR column reads "3h" and does not tick while we measure
            "startsAt": iso(now - dt.timedelta(hours=3)),
            "endsAt": iso(now + dt.timedelta(minutes=5)),
            "generatorURL": "http://127.0.0.1/bench",
        })
    req = urllib.request.Request(am + "/api/v2/alerts", data=json.dumps(alerts).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        if r.status != 200:
            sys.exit("post-alerts: HTTP %d" % r.status)


def numbers(text):
    return sorted(float(x) for x in text.split() if re.fullmatch(r"[0-9.]+", x))


def median(v):
    n = len(v)
    return v[(n - 1) // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def cmd_ratio(fa, fb):
    a, b = numbers(open(fa).read()), numbers(open(fb).read())
    print("%.2f" % (median(a) / median(b)) if a and b and median(b) > 0 else "n/a")


def cmd_stats(label, unit=""):
    v = numbers(sys.stdin.read())
    if not v:
        print("%s: no values" % label)
        return
    n = len(v)
    med = median(v)
    p90 = v[min(n - 1, -(-9 * n // 10) - 1)]  # nearest rank
    print("%s: median %.1f%s, p90 %.1f%s, min %.1f%s, max %.1f%s (n=%d)"
          % (label, med, unit, p90, unit, v[0], unit, v[-1], unit, n))


def cmd_pstats(label, unit=""):
    v = numbers(sys.stdin.read())
    if not v:
        print("%s: no values" % label)
        return
    n = len(v)
    rank = lambda q: v[min(n - 1, -(-q * n // 100) - 1)]  # nearest rank
    print("%s: p50 %.1f%s, p90 %.1f%s, p99 %.1f%s, max %.1f%s (n=%d)"
          % (label, rank(50), unit, rank(90), unit, rank(99), unit, v[-1], unit, n))


def cmd_run_rss(argv, out=None):
    import os
    t0 = time.monotonic()
    with open(os.devnull, "w") as null, open(out or os.devnull, "w") as o:
        p = subprocess.Popen(argv, stdout=o, stderr=null)
        _, status, ru = os.wait4(p.pid, 0)
    wall = (time.monotonic() - t0) * 1000
    code = os.waitstatus_to_exitcode(status)
    print("%d %.0f %.0f %d" % (code, wall, (ru.ru_utime + ru.ru_stime) * 1000, ru.ru_maxrss))


def main():
    a = sys.argv[1:]
    if not a:
        sys.exit(__doc__)
    c, a = a[0], a[1:]
    if c == "ack-tui":
        cmd_ack_tui(*a)
    elif c == "amtool":
        cmd_amtool(*a)
    elif c == "logtimes":
        cmd_logtimes(*a)
    elif c == "keys":
        cmd_keys(a[0], a[1], a[2], a[3:])
    elif c == "post-alerts":
        cmd_post_alerts(a[0], int(a[1]))
        while len(a) > 2:
            time.sleep(float(a[2]))
            try:
                cmd_post_alerts(a[0], int(a[1]))
            except OSError as e:
                print("post-alerts: %s" % e, file=sys.stderr)
    elif c == "keys-until":
        cmd_keys_until(a[0], a[1], a[2], a[3:])
    elif c == "run-rss":
        cmd_run_rss(a)
    elif c == "run-rss-to":
        cmd_run_rss(a[1:], a[0])
    elif c == "pstats":
        cmd_pstats(*a)
    elif c == "ratio":
        cmd_ratio(*a)
    elif c == "stats":
        cmd_stats(*a)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
