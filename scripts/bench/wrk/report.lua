-- Shared by the wrk scripts: prints the run's numbers as key=value lines that
-- scripts/bench/report.py reads (wrk's own summary goes to the terminal only).
local report = {}

function report.done(summary, latency)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("requests=%d\n", summary.requests))
  io.write(string.format("seconds=%.3f\n", seconds))
  io.write(string.format("rps=%.1f\n", summary.requests / seconds))
  io.write(string.format("errors=%d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("non_2xx=%d\n", e.status))
  io.write(string.format("latency_p50_ms=%.3f\n", latency:percentile(50) / 1000))
  io.write(string.format("latency_p99_ms=%.3f\n", latency:percentile(99) / 1000))
end

return report
