"""Section g. of docs/benchmarks.md: durable runs (the journal's cost, and a resume's).

Reads what scripts/bench/run wrote: the hyperfine exports journal-ROUND.json (ephemeral,
journaled) and resume-ROUND.json (resume, empty).
"""
from pathlib import Path

JOURNAL_RATIO = 1.15
RESUME_OVER_MS = 20.0


def load(results, hyperfine):
    res = Path(results)
    if not list(res.glob("journal-*.json")):
        return None
    j = hyperfine(res, "journal")
    r = hyperfine(res, "resume")
    st = hyperfine(res, "startstore")
    return {
        "ephemeral_ms": j["ephemeral"]["median"], "journaled_ms": j["journaled"]["median"],
        "ratio": j["journaled"]["median"] / j["ephemeral"]["median"],
        "resume_ms": r["resume"]["median"], "empty_ms": r["empty"]["median"], "plain_ms": j["journaled"]["median"],
        "resume_over_ms": r["resume"]["median"] - r["empty"]["median"],
        "start_file_ms": st["file"]["median"] if st else None, "start_memory_ms": st["memory"]["median"] if st else None,
    }


def summary_rows(m, verdict_max):
    return [
        ("g. the seed flow journaled on disk / journaled in memory (`--ephemeral`)",
         f"{m['ratio']:.2f}x ({m['journaled_ms']:.1f} vs {m['ephemeral_ms']:.1f} ms)", f"<= {JOURNAL_RATIO:.2f}x",
         verdict_max(m["ratio"], JOURNAL_RATIO, "x")),
        ("g. a resume replaying the whole seed flow, over a plain start (`run -e ''`)",
         f"{m['resume_over_ms']:.1f} ms ({m['resume_ms']:.1f} vs {m['empty_ms']:.1f} ms)", f"< {RESUME_OVER_MS:.0f} ms",
         verdict_max(m["resume_over_ms"], RESUME_OVER_MS, " ms", "{:.1f}")),
    ]


def section(m, w):
    w("## g. Durable runs\n")
    w("Every `onboard run` journals every effect (docs/durability.md). Whole runs of the seed flow "
      "(`examples/onboarding.lua`) on the embedded emulator in memory, timed by hyperfine (3 rounds): "
      "with the journal in memory (`--ephemeral`), and with it in a SQLite file (`--ephemeral --runs FILE`: "
      "a transaction per effect in WAL mode, the intent of every POST written before it leaves, so 25 "
      "writes for the flow's 16 steps).\n")
    w("| run | median |")
    w("|---|---|")
    w(f"| journal in memory (`--ephemeral`) | {m['ephemeral_ms']:.1f} ms |")
    w(f"| journal on disk (`--ephemeral --runs FILE`) | {m['journaled_ms']:.1f} ms |")
    w(f"| **ratio** (goal <= {JOURNAL_RATIO:.2f}x) | **{m['ratio']:.2f}x** |")
    w("")
    w("A resume that replays the whole seed flow: a run of it that failed at its very end (a prelude makes "
      "its last `print` raise), resumed with `onboard runs resume ID` again and again: the script runs "
      "from the top, every effect is answered from the journal, no request is sent, and it fails at the "
      "same place. Against `onboard run -e ''` (a process that starts, journals a run and ends), and "
      "the plain start of the flow itself.\n")
    w("| run | median |")
    w("|---|---|")
    w(f"| `onboard run --ephemeral -e ''` | {m['empty_ms']:.1f} ms |")
    w(f"| `onboard runs resume ID` (16 steps replayed) | {m['resume_ms']:.1f} ms |")
    w(f"| the seed flow started plainly, live (above) | {m['plain_ms']:.1f} ms |")
    w(f"| **resume over a plain start** (goal < {RESUME_OVER_MS:.0f} ms) | **{m['resume_over_ms']:.1f} ms** |")
    w("")
    if m["start_file_ms"] is not None:
        w("What the run store adds to a start (section a.'s `hello.lua`): opening the store file (a "
          "DatabasePool in WAL mode, the migrations checked) and three writes, against the same in memory.\n")
        w("| run | median |")
        w("|---|---|")
        w(f"| `onboard run --runs FILE hello.lua` | {m['start_file_ms']:.1f} ms |")
        w(f"| `onboard run --ephemeral hello.lua` | {m['start_memory_ms']:.1f} ms |")
        w("")
