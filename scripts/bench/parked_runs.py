#!/usr/bin/env python3
"""Section i. of docs/benchmarks.md: what parked runs cost in `onboard worker`.

    parked_runs.py ONBOARD OUT.json [--runs 1000]

Hands RUNS flows to the worker (`onboard run --detach`), each waiting for its own event with
yousign.wait_for_event; once all are parked, reads the worker's resident memory and counts its
sandbox processes; then delivers the RUNS events (signed webhooks) and times until every run is
done. Writes the figures as JSON.
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
import subprocess
import sys
import tempfile
import threading
import time

SECRET = "abcdefghijklmnopqrstuvwxyz012345"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def sandbox_children(pid):
    n = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = open(f"/proc/{entry}/stat").read()
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            cmd = open(f"/proc/{entry}/cmdline", "rb").read()
        except (OSError, ValueError):
            continue
        if ppid == pid and b"sandbox-worker" in cmd:
            n += 1
    return n


def main():
    p = argparse.ArgumentParser()
    p.add_argument("onboard")
    p.add_argument("out")
    p.add_argument("--runs", type=int, default=1000)
    a = p.parse_args()
    folder = tempfile.mkdtemp(prefix="onboard-parked-")
    with open(os.path.join(folder, "onboard.toml"), "w") as f:
        f.write('[clients.acme]\nephemeral = true\nwebhook_secret_env = "ACME_WEBHOOK_SECRET"\n')
    with open(os.path.join(folder, "wait.lua"), "w") as f:
        f.write('local id = ...\nlocal e = yousign.wait_for_event{ event = "signature_request.done", id = id, timeout = "14d", '
                'check = function() end }\nprint("woken by " .. e.event_id)\n')
    store = os.path.join(folder, "runs.sqlite")
    env = dict(os.environ, ACME_WEBHOOK_SECRET=SECRET)
    worker = subprocess.Popen([a.onboard, "worker", "--runs", store, "--listen", "127.0.0.1:0", "--concurrency", "4"],
                              cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    port = None
    while port is None:
        line = worker.stdout.readline()
        if not line:
            sys.exit("onboard worker did not start")
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+) ", line)
        if m:
            port = int(m.group(1))
    threading.Thread(target=lambda: [None for _ in worker.stdout], daemon=True).start()
    time.sleep(0.5)
    idle_rss = rss_kib(worker.pid)

    started = time.time()
    for i in range(a.runs):
        subprocess.run([a.onboard, "run", "--client", "acme", "--detach", "--runs", store, "wait.lua", f"sr-{i}"],
                       cwd=folder, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = sqlite3.connect(store, timeout=10)
    parked = 0
    deadline = time.time() + 600
    while time.time() < deadline:
        parked = db.execute("SELECT count(*) FROM run WHERE status = 'waiting' AND wake_event IS NOT NULL").fetchone()[0]
        if parked >= a.runs:
            break
        time.sleep(0.1)
    parked_after = time.time() - started
    time.sleep(1)
    parked_rss = rss_kib(worker.pid)
    children = sandbox_children(worker.pid)

    woke = time.time()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for i in range(a.runs):
        body = json.dumps({"event_id": f"evt-{i}", "event_name": "signature_request.done", "event_time": "1",
                           "data": {"signature_request": {"id": f"sr-{i}", "status": "done"}}}).encode()
        sig = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        conn.request("POST", "/webhooks/yousign/acme", body=body, headers={"X-Yousign-Signature-256": sig})
        conn.getresponse().read()
    done = 0
    while time.time() < deadline:
        done = db.execute("SELECT count(*) FROM run WHERE status = 'done'").fetchone()[0]
        if done >= a.runs:
            break
        time.sleep(0.05)
    woken_after = time.time() - woke
    worker.terminate()
    worker.wait(timeout=60)
    result = {"runs": a.runs, "parked": parked, "parked_seconds": round(parked_after, 2), "idle_rss_mib": round(idle_rss / 1024, 1),
              "parked_rss_mib": round(parked_rss / 1024, 1), "sandbox_processes_while_parked": children,
              "done": done, "woken_seconds": round(woken_after, 2),
              "store_mib": round(os.path.getsize(store) / (1 << 20), 2)}
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result, indent=2))
    shutil.rmtree(folder, ignore_errors=True)
    sys.exit(0 if parked == a.runs and done == a.runs and children == 0 else 1)


if __name__ == "__main__":
    main()
