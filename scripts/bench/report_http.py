"""Section e. of docs/benchmarks.md: `onboard serve` over HTTP against a bare Hummingbird route.

Reads what scripts/bench/http-bench wrote: http-CASE-ROUND.txt (wrk's output with the key=value
lines of wrk/report.lua) for the cases bare, serve, memory and flow, and http-servers.txt.
"""
import re
import statistics
from pathlib import Path

# The target: the emulator's GET at least half the bare route's rate.
SERVE_RATIO = 0.5
CASES = ("bare", "serve", "memory", "flow")


def keyvalues(path):
    out = {}
    for line in Path(path).read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_]+)=(\S+)$", line.strip())
        if m:
            out[m.group(1)] = m.group(2)
    return out


def load(results):
    """The HTTP results, or None when the run made none."""
    res = Path(results)
    if not (res / "http-servers.txt").exists():
        return None
    h = {"servers": keyvalues(res / "http-servers.txt")}
    for case in CASES:
        rounds = [keyvalues(p) for p in sorted(res.glob(f"http-{case}-*.txt"))]
        rps = [float(r["rps"]) for r in rounds]
        h[case] = {
            "rps": statistics.median(rps), "min": min(rps), "max": max(rps), "rounds": len(rps),
            "p50": statistics.median(float(r["latency_p50_ms"]) for r in rounds),
            "p99": statistics.median(float(r["latency_p99_ms"]) for r in rounds),
            "errors": sum(int(r["errors"]) for r in rounds),
            "non_2xx": sum(int(r["non_2xx"]) for r in rounds),
            "requests": sum(int(r["requests"]) for r in rounds),
        }
        if "steps" in rounds[0]:
            h[case]["steps"] = int(rounds[0]["steps"])
    h["ratio"] = h["serve"]["rps"] / h["bare"]["rps"]
    return h


def summary_rows(h, verdict_min):
    f = h["flow"]
    return [
        ("e. `GET /v3/workflow_sessions/{id}`, `onboard serve` / bare Hummingbird route",
         f"{h['ratio']:.2f}x ({h['serve']['rps']:,.0f} vs {h['bare']['rps']:,.0f} req/s)",
         f">= {SERVE_RATIO}x", verdict_min(h["ratio"], SERVE_RATIO, "x")),
        ("e. seed flow through `onboard serve` (templates, session create, session get)",
         f"{f['rps']:,.0f} req/s, {f['rps'] / f['steps']:,.0f} flows/s", "info", "-"),
    ]


def section(h, w, verdict_min):
    s = h["servers"]
    b, sv, m, f = h["bare"], h["serve"], h["memory"], h["flow"]
    w("## e. HTTP: `onboard serve`\n")
    w(f"`scripts/bench/http-bench` starts three servers on loopback, then drives each with `wrk "
      f"-t{s['threads']} -c{s['connections']} -d{s['seconds']}s` (on the same two cores as the servers), "
      f"in {s['rounds']} rounds that interleave the cases; the table gives the "
      "median round. Every request carries the API key; the emulator's rate limit is off.\n")
    w("- **bare**: `emulator-bench` (`scripts/bench/emulator-bench/main.swift`), one Hummingbird route "
      "that answers `GET /v3/workflow_sessions/{id}` with a fixed session body of the emulator's size, on "
      "the same server setup as `onboard serve` (HTTP/1.1, one `Application`). It is the floor of what "
      "Hummingbird itself costs.")
    w("- **serve**: the same GET on `onboard serve --state FILE` (the default storage: SQLite in WAL "
      "mode), with its request log on standard error going to a file.")
    w("- **memory**: the same GET on `onboard serve --ephemeral` (SQLite in memory).")
    w(f"- **flow**: the seed flow of `wrk/seed_flow.lua` on the `--state` server: list the workflow "
      f"templates, create a session, read it back ({f['steps']} requests per flow; the steps table in the "
      "script is where the verification and signature-request steps go once their routes exist).\n")
    w("| case | requests/s (median) | range over rounds | p50 latency | p99 latency | vs bare |\n"
      "|---|---|---|---|---|---|")
    for name, label, r in (("bare", "bare Hummingbird route", b), ("serve", "`onboard serve --state`", sv),
                           ("memory", "`onboard serve --ephemeral`", m), ("flow", "seed flow, `--state`", f)):
        w(f"| {label} | {r['rps']:,.0f} | {r['min']:,.0f} – {r['max']:,.0f} | {r['p50']:.2f} ms "
          f"| {r['p99']:.2f} ms | {r['rps'] / b['rps']:.2f}x |")
    w("")
    bad = sum(h[c]["errors"] + h[c]["non_2xx"] for c in CASES)
    w(f"Every response was a 2xx: {'yes' if bad == 0 else f'no, {bad} socket errors or non-2xx responses'} "
      f"({sum(h[c]['requests'] for c in CASES):,} requests). The seed flow ran at "
      f"{f['rps'] / f['steps']:,.0f} flows per second. After the rounds SIGTERM stopped the `--state` "
      f"server with exit status {s['serve_exit']} and the `--ephemeral` one with {s['memory_exit']}; the "
      f"`--state` server had written {int(s['serve_log_lines']):,} request-log lines.\n")
    w(f"Target: the emulator's GET at least {SERVE_RATIO}x the bare route's rate: "
      f"**{verdict_min(h['ratio'], SERVE_RATIO, 'x')}**.\n")
    w(f"Where the difference goes: the bare route answers from memory on the event loop's task; each "
      f"emulator request also checks the key, routes, opens a SQLite read transaction (on the calling "
      f"thread: the store is used synchronously, so there is no hop to GRDB's queue), reads and "
      f"decodes the stored session, re-encodes it without its internal fields, and writes a log line. "
      f"`--ephemeral` runs at {m['rps'] / sv['rps']:.2f}x the `--state` rate: a serial in-memory queue "
      f"needs no transaction of its own for a read, while the WAL pool's reader takes one for a "
      f"consistent snapshot. Steps that took the file-backed GET from about 5,000 to about 12,000 "
      f"requests/s, measured by hand: statements prepared once (GRDB's `cachedStatement`); GETs in "
      f"read transactions instead of the write transaction every request once ran in; the next timer "
      f"and the next due webhook delivery kept in memory, so a read looks up neither; routes grouped "
      f"by length once instead of sorted on every match. A `perf record` of the `--state` server under "
      f"this load, made by hand, put about a quarter of its CPU samples in the kernel (socket I/O "
      f"and futex wake-ups between the event loop and the task pool) and an eighth in libsqlite3. "
      f"Last, a repeated GET is answered from memory until the next write (`ResponseCache`: every "
      f"write, tick and clock move invalidates it), which is what flows that poll a session or a "
      f"signature request do; this benchmark repeats one GET, so it measures that path, while the "
      f"seed flow (a write in every three requests) shows the store path. wrk shares the same two "
      f"cores as the servers.\n")
    w("Two start-up costs come with `serve` living in the `onboard` binary (measured by hand with "
      "hyperfine, not by this script): linking Hummingbird, NIO and GRDB in adds about 1.7 ms to "
      "every `onboard run` (see a.). Webhooks are delivered by running `curl` rather than through "
      "Foundation's URLSession, because FoundationNetworking would link libcurl and its 30-odd "
      "libraries into the binary and add about 5 ms more to every start.\n")
