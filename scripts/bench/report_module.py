"""Section f. of docs/benchmarks.md: the `yousign` Lua module.

Reads what scripts/bench/run wrote: module.txt (flows=N, calls=N) and the hyperfine exports
flows-ROUND.json (embedded, loopback) and binding-ROUND.json (get, lua).
"""
from pathlib import Path


def load(results, hyperfine, keyvalues):
    res = Path(results)
    if not (res / "module.txt").exists():
        return None
    params = keyvalues(res / "module.txt")
    flows, calls = int(params["flows"]), int(params["calls"])
    f = hyperfine(res, "flows")
    b = hyperfine(res, "binding")
    return {
        "flows": flows, "calls": calls,
        "embedded_ms": f["embedded"]["median"], "loopback_ms": f["loopback"]["median"],
        "embedded_fps": flows / (f["embedded"]["median"] / 1000),
        "loopback_fps": flows / (f["loopback"]["median"] / 1000),
        "get_ms": b["get"]["median"], "lua_ms": b["lua"]["median"],
        "get_inproc_ms": b["get-in-process"]["median"],
        "boundary_per_call_us": (b["get"]["median"] - b["get-in-process"]["median"]) * 1000 / calls,
        "per_call_us": (b["get"]["median"] - b["lua"]["median"]) * 1000 / calls,
        "lua_per_call_us": b["lua"]["median"] * 1000 / calls,
    }


def summary_rows(m):
    return [
        ("f. seed flows on the embedded emulator", f"{m['embedded_fps']:.0f} flows/s", "info", "-"),
        ("f. seed flows over loopback (`onboard run --emulator`)", f"{m['loopback_fps']:.0f} flows/s", "info", "-"),
        ("f. one `yousign.workflow_sessions.get` (embedded) minus a Lua function",
         f"{m['per_call_us']:.1f} µs per call", "info", "-"),
        ("f. the worker process boundary, per API call (worker minus `--no-worker`)",
         f"{m['boundary_per_call_us']:.1f} µs per call", "info", "-"),
    ]


def section(m, w):
    w("## f. The `yousign` module\n")
    w("Whole runs of `onboard run`, timed by hyperfine as above (3 rounds). A seed flow is the seed "
      "guide's 12 calls (`scripts/bench/seed_flows.lua`: templates, session, identity document upload, "
      "session, signature request, document upload, signer, field, activate, sign through `emulator`, "
      "final session); the run does it "
      f"{m['flows']} times after one templates call, so process start-up (section a.) is a small part of it. "
      "Over loopback the same script runs with `--emulator URL` against an `onboard serve --ephemeral` on "
      "the same machine: every call is an HTTP request through AsyncHTTPClient, and the flow's clock reads "
      "(`emulator.now`) are requests too.\n")
    w("| backend | run of the flows (median) | seed flows per second |")
    w("|---|---|---|")
    w(f"| embedded emulator (`--ephemeral`) | {m['embedded_ms']:.0f} ms | {m['embedded_fps']:.0f} |")
    w(f"| `onboard serve` over loopback | {m['loopback_ms']:.0f} ms | {m['loopback_fps']:.0f} |")
    w("")
    w(f"The cost of one call (`scripts/bench/binding.lua`): {m['calls']} calls of "
      "`yousign.workflow_sessions.get(id)` on the embedded emulator, against the same loop calling a Lua "
      "function that returns the same table. The difference is everything a call does: argument checks, "
      "the request, the emulator's routing, its cache and its JSON, the client, and the decoding into Lua "
      "tables.\n")
    w("| loop | run (median) | per call |")
    w("|---|---|---|")
    w(f"| `yousign.workflow_sessions.get(id)` | {m['get_ms']:.0f} ms | {m['get_ms'] * 1000 / m['calls']:.1f} µs |")
    w(f"| the same `get` with `--no-worker` (no process boundary) | {m['get_inproc_ms']:.0f} ms | {m['get_inproc_ms'] * 1000 / m['calls']:.1f} µs |")
    w(f"| a Lua function returning the same table | {m['lua_ms']:.0f} ms | {m['lua_per_call_us']:.2f} µs |")
    w(f"| **the binding and emulator, per call** | | **{m['per_call_us']:.1f} µs** |")
    w(f"| **of which the worker boundary (two pipe messages)** | | **{m['boundary_per_call_us']:.1f} µs** |")
    w("")
    w("Scripts run in a worker process (docs/sandbox.md): every call crosses a pipe twice (the request "
      "to the parent, which holds the key and the client, and the answer). The cost per run is in "
      "section a. (`onboard run hello.lua` against `onboard run --no-worker hello.lua`).\n")
