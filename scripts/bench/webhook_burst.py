#!/usr/bin/env python3
"""Section i. of docs/benchmarks.md: a burst of signed webhooks into `onboard worker`.

    webhook_burst.py ONBOARD OUT.json [--events 1000] [--senders 8] [--interval SECONDS]

Starts `onboard worker` (one client, the embedded emulator in memory, a trigger on
signature_request.done whose flow reads the clock once), sends EVENTS signed deliveries from
SENDERS threads at once, waits until every event is processed, and reads the run store: each
event's receipt (when it was stored) against its run's start (its first journal entry: the flow
running). Checks that every event was stored once and started exactly one run. Writes the
figures as JSON.
"""
import argparse
import hashlib
import hmac
import http.client
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

SECRET = "abcdefghijklmnopqrstuvwxyz012345"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("onboard")
    p.add_argument("out")
    p.add_argument("--events", type=int, default=1000)
    p.add_argument("--senders", type=int, default=8)
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--interval", type=float, default=0.0, help="seconds between a sender's deliveries (0: a burst)")
    a = p.parse_args()

    folder = tempfile.mkdtemp(prefix="onboard-burst-")
    with open(os.path.join(folder, "onboard.toml"), "w") as f:
        f.write('[clients.acme]\nephemeral = true\nwebhook_secret_env = "ACME_WEBHOOK_SECRET"\n\n'
                '[[clients.acme.on]]\nevent = "signature_request.done"\nflow = "burst.lua"\n')
    with open(os.path.join(folder, "burst.lua"), "w") as f:
        f.write("local event = ...\nlocal now = yousign.now()\n")
    runs = os.path.join(folder, "runs.sqlite")
    env = dict(os.environ, ACME_WEBHOOK_SECRET=SECRET)
    worker = subprocess.Popen([a.onboard, "worker", "--runs", runs, "--listen", "127.0.0.1:0", "--concurrency", str(a.concurrency)],
                              cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    port = None
    log = []
    while port is None:
        line = worker.stdout.readline()
        if not line:
            sys.exit("onboard worker did not start:\n" + "".join(log))
        log.append(line)
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+) ", line)
        if m:
            port = int(m.group(1))
    threading.Thread(target=lambda: [None for _ in worker.stdout], daemon=True).start()

    bodies = []
    for i in range(a.events):
        body = json.dumps({"event_id": str(uuid.uuid4()), "event_name": "signature_request.done", "event_time": str(int(time.time())),
                           "sandbox": True, "data": {"signature_request": {"id": str(uuid.uuid4()), "status": "done"}}}).encode()
        bodies.append(body)
    statuses = []
    lock = threading.Lock()

    def send(chunk):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for body in chunk:
            sig = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            conn.request("POST", "/webhooks/yousign/acme", body=body,
                         headers={"Content-Type": "application/json", "X-Yousign-Signature-256": sig})
            r = conn.getresponse()
            r.read()
            with lock:
                statuses.append(r.status)
            if a.interval:
                time.sleep(a.interval)
        conn.close()

    started = time.time()
    threads = [threading.Thread(target=send, args=(bodies[i::a.senders],)) for i in range(a.senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent = time.time() - started

    db = sqlite3.connect(runs, timeout=10)
    deadline = time.time() + 300
    while time.time() < deadline:
        pending = db.execute("SELECT count(*) FROM event WHERE processed_at IS NULL").fetchone()[0]
        done = db.execute("SELECT count(*) FROM run WHERE status = 'done'").fetchone()[0]
        if pending == 0 and done >= a.events:
            break
        time.sleep(0.05)
    processed = time.time() - started
    worker.terminate()
    worker.wait(timeout=60)

    events = db.execute("SELECT event_id, received_at FROM event").fetchall()
    rows = db.execute("""SELECT run.origin, run.status, (SELECT min(at) FROM entry WHERE entry.run_id = run.id)
                         FROM run WHERE origin LIKE 'event:%'""").fetchall()
    by_origin = {}
    for origin, status, first in rows:
        by_origin.setdefault(origin, []).append((status, first))
    latencies = []
    for event_id, received in events:
        runs_of = by_origin.get(f"event:acme:{event_id}:0", [])
        if len(runs_of) == 1 and runs_of[0][1] is not None:
            latencies.append((runs_of[0][1] - received) * 1000)
    latencies.sort()

    def pct(q):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else None

    result = {
        "events": a.events, "senders": a.senders, "concurrency": a.concurrency, "interval": a.interval,
        "answered_200": statuses.count(200), "stored": len(events), "runs": len(rows),
        "runs_done": sum(1 for _, s, _ in rows if s == "done"), "distinct_origins": len(by_origin),
        "send_seconds": round(sent, 3), "processed_seconds": round(processed, 3),
        "receipt_to_start_ms": {"p50": pct(0.50), "p90": pct(0.90), "p99": pct(0.99), "max": latencies[-1] if latencies else None,
                                "min": latencies[0] if latencies else None, "mean": statistics.mean(latencies) if latencies else None},
    }
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result, indent=2))
    shutil.rmtree(folder, ignore_errors=True)
    ok = result["stored"] == a.events and result["runs"] == a.events and result["distinct_origins"] == a.events \
        and result["answered_200"] == a.events and result["runs_done"] == a.events
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
