"""Section i. of docs/benchmarks.md: webhooks into `onboard worker`.

Reads what scripts/bench/run wrote: webhooks-burst.json (1,000 signed deliveries from 8 senders
at once) and webhooks-paced.json (100 deliveries one after another, 50 ms apart), each from
scripts/bench/webhook_burst.py; parked.json (1,000 runs parked on wait_for_event, then woken) from
scripts/bench/parked_runs.py.
"""
import json
from pathlib import Path


def load(results):
    res = Path(results)
    burst, paced = res / "webhooks-burst.json", res / "webhooks-paced.json"
    if not burst.exists() or not paced.exists():
        return None
    parked = res / "parked.json"
    return {"burst": json.loads(burst.read_text()), "paced": json.loads(paced.read_text()),
            "parked": json.loads(parked.read_text()) if parked.exists() else None}


def ms(v):
    return f"{v:,.1f} ms" if v is not None else "-"


def summary_rows(m):
    b, p = m["burst"], m["paced"]
    once = b["stored"] == b["events"] == b["runs"] == b["distinct_origins"] == b["runs_done"]
    return [
        (f"i. a burst of {b['events']:,} signed webhooks: receipt to the run's start, p50 / p99",
         f"{ms(b['receipt_to_start_ms']['p50'])} / {ms(b['receipt_to_start_ms']['p99'])} "
         f"(all {b['events']:,} processed in {b['processed_seconds']:.2f} s; "
         f"{'each stored and run once' if once else 'NOT each once'})", "info", "-"),
        (f"i. webhooks one at a time: receipt to the run's start, p50 / p99",
         f"{ms(p['receipt_to_start_ms']['p50'])} / {ms(p['receipt_to_start_ms']['p99'])}", "info", "-"),
    ] + ([(f"i. {m['parked']['runs']:,} runs parked on wait_for_event: worker memory, sandbox processes",
           f"{m['parked']['parked_rss_mib']:.0f} MiB resident ({m['parked']['idle_rss_mib']:.0f} idle), "
           f"{m['parked']['sandbox_processes_while_parked']} processes; all woken and done {m['parked']['woken_seconds']:.1f} s after their webhooks",
           "info", "-")] if m["parked"] else [])


def section(m, w):
    b, p = m["burst"], m["paced"]
    w("## i. Webhooks into `onboard worker`\n")
    w("`scripts/bench/webhook_burst.py` starts `onboard worker` (one client on the embedded emulator in "
      f"memory, `--concurrency {b['concurrency']}`, pooled sandbox workers) with a trigger on "
      "`signature_request.done` whose flow reads the clock once, and POSTs signed deliveries as Yousign "
      "does. Receipt is when the event was stored (before the 200 went back); the run's start is its first "
      "journal entry, the flow running in its sandbox worker. The script then checks every delivery was "
      "answered 200, stored once and started exactly one run.\n")
    w("| delivery | events | answered 200 | stored | runs (distinct) | all processed after | p50 | p90 | p99 | max |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in (("a burst, 8 senders at once", b), ("one at a time, 50 ms apart", p)):
        t = r["receipt_to_start_ms"]
        w(f"| {name} | {r['events']:,} | {r['answered_200']:,} | {r['stored']:,} | {r['runs']:,} ({r['distinct_origins']:,}) | "
          f"{r['processed_seconds']:.2f} s | {ms(t['p50'])} | {ms(t['p90'])} | {ms(t['p99'])} | {ms(t['max'])} |")
    w("")
    w(f"In the burst the deliveries arrive faster than {b['concurrency']} runs at a time can start, so the "
      "figure is mostly the time an event waits in the queue behind the ones before it (the last of "
      f"{b['events']:,} waits for all the others); one at a time, it is what the worker itself adds between "
      "storing an event and its flow running: the dispatcher's wake-up, the run record, a pooled worker "
      "taking the script.\n")
    k = m["parked"]
    if k:
        w(f"**Parked runs.** `scripts/bench/parked_runs.py` hands {k['runs']:,} runs to the worker with `onboard run "
          "--detach`, each waiting for its own event with `yousign.wait_for_event`. Once all are parked "
          f"({k['parked_seconds']:.0f} s, mostly the {k['runs']:,} `onboard run --detach` processes), the worker holds "
          f"**{k['parked_rss_mib']:.0f} MiB** resident ({k['idle_rss_mib']:.0f} MiB idle, before any run) and "
          f"**{k['sandbox_processes_while_parked']}** sandbox processes; the run store is {k['store_mib']:.1f} MiB. "
          f"{k['runs']:,} signed webhooks then wake them: all {k['done']:,} are done {k['woken_seconds']:.1f} s after the "
          "first was sent (each resumed by replay in a fresh sandbox process).\n")
