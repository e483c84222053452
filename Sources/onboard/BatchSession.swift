import ArgumentParser
import Foundation
import LuaKit
import OnboardRuns
import OnboardRuntime

#if canImport(Glibc)
import Glibc
#endif

/// One `onboard batch`: everything that can be wrong with the command line, the client, the
/// input or the flow is found before any row starts (exit 2, nothing half-started); then the
/// rows run on the pool, the view reports them, and the exit status says how they ended.
struct BatchSession {
    var command: Batch
    /// The arguments after `onboard batch`, kept with the batch to go on with it by id.
    var options: [String]
    var retryFailed: Bool
    /// The batch `--resume` names: its input must not have changed.
    var expected: BatchRecord?

    func execute() throws -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        let limits = try command.limitOptions.limits()
        guard let inputPath = command.input, let flowPath = command.flow else { throw ExitCode(ExitStatus.usage) }
        func usage(_ message: String) -> ExitCode {
            Diagnostics.error(message)
            return ExitCode(ExitStatus.usage)
        }

        // the client and backend first: a missing client or an unset key variable is said
        // before the input is even read
        let choice: BackendChoice
        do { choice = try BackendChoice.resolve(command.backend.flags, environment: environment) } catch {
            throw usage(error.description)
        }
        let format = command.format ?? .of(path: inputPath)
        let summary: BatchInput.Summary
        do { summary = try BatchInput.scan(path: inputPath, format: format) } catch {
            throw usage(error.description + " (no row was started)")
        }
        if let expected, expected.inputHash != summary.sha256 {
            throw usage("\(inputPath) has changed since batch \(expected.id) started; its rows are numbered by that content. Restore it, or start a new batch with the new file")
        }
        let flow: ScriptSource
        do { flow = try .file(flowPath) } catch { throw usage(error.description) }
        do {
            let state = try LuaState(environment: .sandbox)
            defer { state.close() }
            _ = try state.load(flow.bytes, chunkName: flow.chunkName)
        } catch {
            throw usage(ErrorReport(error, limits: limits).text + " (no row was started)")
        }
        let concurrency = command.concurrency ?? choice.client?.concurrency ?? 4
        let flowHash = JournaledEffects.hash(flow.bytes)
        let clientName = choice.client?.name ?? ""

        if command.dryRun {
            let plan = BatchPlan(flow: flowPath, input: inputPath, format: format, summary: summary, client: choice.client,
                                 backend: choice.target, concurrency: concurrency, limits: limits)
            print(plan.text, terminator: "")
            return ExitStatus.success
        }

        let runStore = try command.store.openOrExit(ephemeral: command.backend.ephemeral)
        let record: BatchRecord
        let created: Bool
        let existing: BatchProgress
        do {
            (record, created) = try runStore.batch(
                flow: flowPath, flowHash: flowHash, input: inputPath, inputHash: summary.sha256, client: clientName,
                command: options, folder: FileManager.default.currentDirectoryPath, rows: summary.rows)
            existing = try runStore.progress(of: record)
        } catch { throw usage(error.description) }

        let prepared: PreparedBackend
        do { prepared = try command.backend.prepare(choice, permissions: command.permissions, store: runStore) } catch {
            throw usage(error.description)
        }
        defer { command.backend.finish(prepared) }

        let pool = command.noWorker ? nil : WorkerPool(size: concurrency)
        defer { pool?.shutdown() }
        let setup = BatchSetup(flow: flow, flowName: flowPath, flowHash: flowHash, limits: limits, host: prepared.host, store: runStore,
                               batch: record, concurrency: concurrency, retryFailed: retryFailed,
                               executor: pool ?? InProcessExecutor())
        let live = !command.json && isatty(1) != 0
        let view = BatchView(batch: record, rows: summary.rows, live: live, gate: prepared.host.gate as? RateGate)
        view.begin(created: created, existing: existing, backend: prepared.host.backendSummary, concurrency: concurrency)
        let runner = BatchRunner(setup) { view.observe($0) }
        let interrupts = InterruptCount()
        InterruptSignal.onInterruptOrTerminate { signo in
            if interrupts.next() == 1 && signo == SIGINT {
                view.note("stopping: no new row starts; the running ones stop at their next step (Ctrl-C again to stop them now)")
                runner.stopTakingRows()
            } else {
                runner.stopNow()
            }
        }

        let outcomes: [BatchRowOutcome]
        do {
            let reader = try BatchInputReader(path: inputPath, format: format)
            outcomes = try runner.run(reader)
        } catch {
            view.end(outcomes: [], interrupted: true, storeSuggestion: command.store.suggestion(runStore))
            Diagnostics.error(error.description)
            return ExitStatus.scriptError
        }
        let final: BatchProgress
        let notDone: [RunRecord]
        do {
            final = try runStore.progress(of: record)
            notDone = try runStore.runs(batch: record.id, client: nil).filter { $0.effectiveStatus() != .done }
        } catch {
            Diagnostics.error(error.description)
            return ExitStatus.scriptError
        }
        view.end(outcomes: outcomes, interrupted: runner.isStopping, storeSuggestion: command.store.suggestion(runStore), progress: final,
                 notDone: notDone)
        if runner.isStopping { return RunInterrupt.exitStatus }
        return final.byStatus[.done, default: 0] == summary.rows ? ExitStatus.success : ExitStatus.scriptError
    }
}

/// Ctrl-C presses so far.
final class InterruptCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func next() -> Int { lock.withLock { count += 1; return count } }
}

/// What `--dry-run` prints: what would run, where, how fast, on which rows.
struct BatchPlan {
    var flow: String
    var input: String
    var format: BatchInput.Format
    var summary: BatchInput.Summary
    var client: OnboardConfig.Client?
    var backend: BackendChoice.Target
    var concurrency: Int
    var limits: LuaLimits

    var text: String {
        let target: String = switch backend {
        case .embedded(let state): "the embedded emulator (\(state.location))"
        case .served(let url): "the emulator at \(url)"
        case .yousign(let url): "Yousign at \(url)"
        }
        var lines = [
            "dry run: nothing was sent and no run was started",
            "flow:        \(flow) (compiles)",
            "input:       \(input) (\(format == .csv ? "CSV" : "JSON lines")): \(summary.rows) row\(summary.rows == 1 ? "" : "s"), columns \(summary.columns.joined(separator: ", "))",
            "client:      \(client?.name ?? "none")",
            "backend:     \(target)",
            "concurrency: \(concurrency) rows at once",
        ]
        if let rate = client?.rateLimit { lines.append("rate limit:  \(rate) (the client's rate_limit)") }
        else { lines.append("rate limit:  the backend's (documented for Yousign's hosts, else learned from its RateLimit headers)") }
        lines.append("each row runs \(flow) with the row as its first argument (local row = ...)")
        return lines.joined(separator: "\n") + "\n"
    }
}
