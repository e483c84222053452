"""Section j. of docs/benchmarks.md: `onboard test`.

Reads what scripts/bench/run wrote: the hyperfine exports flowtests-ROUND.json (parallel: the
50 tests of scripts/bench/flow_tests/seed_branches_test.lua with the default concurrency;
serial: the same with --concurrency 1).
"""
from pathlib import Path

TESTS = 50
GOAL_S = 2.0


def load(results, hyperfine):
    res = Path(results)
    if not list(res.glob("flowtests-*.json")):
        return None
    t = hyperfine(res, "flowtests")
    return {name: t[name]["median"] / 1000 for name in t}


def summary_rows(m, verdict_max):
    return [
        (f"j. {TESTS} tests of the seed flow's branches (`onboard test`, each on its own emulator, in parallel)",
         f"{m['parallel']:.2f} s ({m['serial']:.2f} s one at a time)", f"< {GOAL_S:.0f} s",
         verdict_max(m["parallel"], GOAL_S, " s")),
    ]


def section(m, w):
    w("## j. Flow tests: `onboard test`\n")
    w(f"`onboard test --allow-read=examples/files scripts/bench/flow_tests/`: {TESTS} tests of the seed flow's "
      "branches (identity verified at once, failed then retried, inconclusive then resolved by hand; a contract "
      "declined then signed, expired then reactivated; a 429 retried, a lost response), each running a whole "
      "example flow with `run_flow` in a fresh Lua state on a fresh in-memory emulator, in a pooled sandbox "
      "worker, as many at once as there are cores; against the same with `--concurrency 1`. Timed by hyperfine, "
      "the whole command (start-up, listing, the tests, the report).\n")
    w("| run | median | per test |")
    w("|---|---|---|")
    w(f"| parallel (default concurrency) | **{m['parallel']:.2f} s** | {m['parallel'] / TESTS * 1000:.0f} ms |")
    w(f"| `--concurrency 1` | {m['serial']:.2f} s | {m['serial'] / TESTS * 1000:.0f} ms |")
    w("")
