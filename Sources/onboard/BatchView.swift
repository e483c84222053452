import Foundation
import JSONCodec
import OnboardRuns
import OnboardRuntime

#if canImport(Glibc)
import Glibc
#endif

/// How a batch reports itself. On a terminal (`live`): one line on standard error, redrawn at
/// most 10 times a second (done, failed, running, queued, rows/s, requests a minute against the
/// limit, ETA), then a summary on standard output. Otherwise: one JSON line per row on standard
/// output (`row`, `run`, `status`, `seconds`, `error`) and a last summary line; no escape codes.
final class BatchView: @unchecked Sendable {
    let batch: BatchRecord
    let rows: Int
    let live: Bool
    let gate: RateGate?
    private let lock = NSLock()
    private var counts: [RunStatus: Int] = [:]
    private var running = 0
    private var skipped = 0
    private var finishedHere = 0
    private let started = Date()
    private var lastLine = ""
    private let stopTicking = DispatchSemaphore(value: 0)
    private var ticker: Thread?

    init(batch: BatchRecord, rows: Int, live: Bool, gate: RateGate?) {
        self.batch = batch
        self.rows = rows
        self.live = live
        self.gate = gate
    }

    func begin(created: Bool, existing: BatchProgress, backend: String, concurrency: Int) {
        let done = existing.byStatus[.done, default: 0]
        let verb = created ? "started" : "goes on (\(done) of \(rows) done before)"
        Diagnostics.warning("batch \(batch.id) \(verb): \(batch.flow) over \(rows) rows of \(batch.input)"
                            + (batch.client.isEmpty ? "" : " for client \(batch.client)") + ", \(concurrency) at once, on \(backend)")
        guard live else { return }
        let thread = Thread { [self] in
            while stopTicking.wait(timeout: .now() + .milliseconds(100)) == .timedOut { draw() }
        }
        thread.stackSize = 128 << 10
        ticker = thread
        thread.start()
    }

    func observe(_ event: BatchEvent) {
        switch event {
        case .started:
            lock.withLock { running += 1 }
        case .skipped(let row, let run, let status):
            lock.withLock {
                skipped += 1
                counts[status, default: 0] += 1
            }
            if !live {
                emit(["row": .integer(Int64(row)), "run": .string(run), "status": .string(status.rawValue), "skipped": true])
            }
        case .finished(let outcome):
            lock.withLock {
                running -= 1
                finishedHere += 1
                counts[outcome.status, default: 0] += 1
            }
            if !live {
                emit(["row": .integer(Int64(outcome.row)), "line": .integer(Int64(outcome.line)), "run": .string(outcome.run),
                      "status": .string(outcome.status.rawValue), "seconds": .double((outcome.seconds * 1000).rounded() / 1000),
                      "error": outcome.error.map { .string($0) } ?? .null])
            }
        }
    }

    /// A message on standard error, below the live line.
    func note(_ message: String) {
        lock.withLock {
            if live { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        }
        Diagnostics.warning(message)
    }

    private func emit(_ object: [String: JSONValue]) {
        guard let bytes = try? JSONValue.object(object).encoded() else { return }
        lock.withLock { FileHandle.standardOutput.write(Data(bytes + [0x0A])) }
    }

    private func draw() {
        let line = lock.withLock { statusLine() }
        lock.withLock {
            guard line != lastLine else { return }
            lastLine = line
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
        }
    }

    /// `done 12 · failed 0 · running 4 · queued 184 · 8.1 rows/s · 41/60 req/min · ETA 23s` (under the lock)
    private func statusLine() -> String {
        let done = counts[.done, default: 0], failed = counts[.failed, default: 0] + counts[.interrupted, default: 0] + counts[.cancelled, default: 0]
        let queued = max(0, rows - done - failed - running - counts[.running, default: 0] - counts[.waiting, default: 0])
        let elapsed = Date().timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(finishedHere) / elapsed : 0
        var parts = ["done \(done)", "failed \(failed)", "running \(running)", "queued \(queued)", String(format: "%.1f rows/s", rate)]
        if let gate {
            let perMinute = gate.limits?.perSecond.map { Int(($0 * 60).rounded()) }
            parts.append("\(gate.sentLastMinute())" + (perMinute.map { "/\($0)" } ?? "") + " req/min")
        }
        if rate > 0 { parts.append("ETA " + Self.duration(Double(queued + running) / rate)) }
        return parts.joined(separator: " · ")
    }

    static func json(_ o: BatchRowOutcome) -> JSONValue {
        let error: JSONValue = o.error.map { .string($0) } ?? .null
        return .object(["row": .integer(Int64(o.row)), "run": .string(o.run), "status": .string(o.status.rawValue), "error": error])
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s / 3600)h\(String(format: "%02d", (s / 60) % 60))m"
    }

    /// The summary: per status, the slowest rows, the failed ones with their errors, 429s, the
    /// total time; and how to go on when the batch did not finish.
    func end(outcomes: [BatchRowOutcome], interrupted: Bool, storeSuggestion: String, progress: BatchProgress? = nil,
             notDone: [RunRecord] = []) {
        stopTicking.signal()
        let elapsed = Date().timeIntervalSince(started)
        let final = progress?.byStatus ?? lock.withLock { counts }
        let limited = gate?.limitedCount ?? 0
        // the rows not done, from the store: this attempt's and the ones skipped as failed before
        let failed = notDone.map { run in
            BatchRowOutcome(row: run.row ?? 0, line: outcomes.first { $0.run == run.id }?.line ?? 0, run: run.id,
                            status: run.effectiveStatus(), seconds: 0,
                            error: run.error.map { String($0.split(separator: "\n", maxSplits: 1).first ?? "") }, resumed: false)
        }.sorted { $0.row < $1.row }
        let slowest = outcomes.filter { $0.status == .done }.sorted { $0.seconds > $1.seconds }.prefix(3)
        let resume = "onboard batch --resume \(batch.id)\(storeSuggestion)"
        if live {
            lock.withLock { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
            var text = "batch \(batch.id): \(rows) rows in \(String(format: "%.1f", elapsed)) s"
                + (outcomes.isEmpty ? "" : String(format: " (%.1f rows/s)", Double(outcomes.count) / max(elapsed, 0.001))) + "\n"
            for status in RunStatus.allCases where final[status, default: 0] > 0 {
                text += "  " + status.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0) + "\(final[status]!)\n"
            }
            let notStarted = rows - final.values.reduce(0, +)
            if notStarted > 0 { text += "  not started \(notStarted)\n" }
            text += "  429s        \(limited)\(limited > 0 ? " (retried)" : "")\n"
            if !slowest.isEmpty {
                text += "slowest rows:\n" + slowest.map { "  row \($0.row) (line \($0.line)) \(String(format: "%.2f", $0.seconds)) s  \($0.run)\n" }.joined()
            }
            if !failed.isEmpty {
                text += "rows not done:\n" + failed.map {
                    "  row \($0.row)\($0.line > 0 ? " (line \($0.line))" : "") \($0.status.rawValue): \($0.error ?? "")  \($0.run)\n"
                }.joined()
            }
            print(text, terminator: "")
        } else {
            var object: [String: JSONValue] = [
                "summary": true, "batch": .string(batch.id), "rows": .integer(Int64(rows)),
                "seconds": .double((elapsed * 1000).rounded() / 1000), "rate_limited": .integer(Int64(limited)),
                "stopped": .bool(interrupted),
            ]
            for status in RunStatus.allCases { object[status.rawValue] = .integer(Int64(final[status, default: 0])) }
            object["not_started"] = .integer(Int64(rows - final.values.reduce(0, +)))
            object["failed_rows"] = .array(failed.map(Self.json))
            emit(object)
        }
        let done = final[.done, default: 0]
        if interrupted {
            Diagnostics.warning("batch \(batch.id) interrupted: \(done) of \(rows) rows done; resume it with: \(resume)")
        } else if done < rows {
            Diagnostics.warning("batch \(batch.id): \(rows - done) of \(rows) rows not done; fix the flow or the rows, then run them again with: onboard batch --retry-failed \(batch.id)\(storeSuggestion)")
        }
    }
}
