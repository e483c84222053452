import ArgumentParser
import Foundation
import LuaKit
import OnboardRuns
import OnboardRuntime

/// One attempt of a journaled run: a new `onboard run`, or `onboard runs resume` of an
/// interrupted one. Starts the script with a `JournaledEffects` over the backend, renews the
/// lease while it runs, and records how it ended; a run that did not finish says how to
/// resume it.
struct RunSession {
    var command: Run
    /// The options of `onboard run` before the script, kept with the run to resume it the same way.
    var options: [String]
    var store: RunStore
    var storeOptions: RunStoreOptions
    /// The run to go on with, as claimed, and its status before (for a divergence, which leaves
    /// it as it was).
    var resuming: (record: RunRecord, before: RunStatus)?
    var resendUncertain = false

    /// Runs it and returns the exit status.
    func execute() throws -> Int32 {
        let limits = try command.limitOptions.limits()
        let prepared = try command.backend.prepareOrExit(permissions: command.permissions, store: store)
        let host = prepared.host
        defer { command.backend.finish(prepared) }
        let file = command.file
        var script: ScriptSource?
        do {
            switch file {
            case nil: script = nil
            case "-": script = resuming?.record.script.map { ScriptSource(bytes: $0, chunkName: "=stdin", folder: ".") } ?? .standardInput()
            case let path?: script = try .file(path)
            }
        } catch {
            Diagnostics.error(error.description + (resuming.map { "; the run \($0.record.id) is left as it was" } ?? ""))
            if let resuming { try? store.finish(resuming.record.id, status: resuming.before, exitCode: resuming.record.exitCode, error: error.description) }
            throw ExitCode(ExitStatus.usage)
        }
        let preludes = command.execute.map(ScriptSource.commandLine)
        let flowBytes = preludes.flatMap(\.bytes) + (script?.bytes ?? [])
        let flowHash = JournaledEffects.hash(flowBytes)
        let name = file ?? "(command line)"

        let record: RunRecord
        let journal: [JournalEntry]
        do {
            (record, journal) = try start(name: name, flowHash: flowHash, script: script, backend: host.backendSummary)
        } catch {
            Diagnostics.error(error.description)
            throw ExitCode(ExitStatus.usage)
        }

        let output = RunOutput(alreadyPrinted: resuming == nil ? 0 : record.outputBytes, alreadyKept: record.output.count,
                               cap: RunStore.outputCap, sink: { TerminalOutput.write($0) })
        let inProcess = command.noWorker
        let effects = JournaledEffects(host: host, store: store, runID: record.id, journal: journal, output: output,
                                       resendUncertain: resendUncertain,
                                       onStop: { _ in if !inProcess { WorkerSupervisor.killRunningWorkers() } })
        let run = ScriptRun(
            preludes: preludes, script: script, arguments: command.arguments,
            interpreterArguments: ["onboard", "run"] + options, scriptName: file, limits: limits,
            output: { output.write($0) }, host: effects)
        let resumeLine = store.location == "in memory" ? ""
            : "; resume it with: onboard runs resume \(record.id)\(storeOptions.suggestion(store))"
        let interrupt = RunInterrupt.install(host: host, scriptName: name, inProcess: inProcess) { message in
            Diagnostics.error(message)
            try? store.finish(record.id, status: .interrupted, exitCode: 130, error: message, output: [], outputBytes: output.total)
            Diagnostics.error("run \(record.id) interrupted" + resumeLine)
            Foundation.exit(RunInterrupt.exitStatus)
        }
        let heartbeat = Heartbeat(store: store, runID: record.id, inProcess: inProcess)
        defer { heartbeat.stop() }

        var ended: (status: RunStatus, exit: Int32, error: String?)
        if inProcess {
            let result = try LuaThread.run { Result { try run.execute() }.map { _ in () } }
            ended = Self.ending(result, limits: limits, name: name)
        } else {
            let outcome = WorkerSupervisor().execute(run, effects: effects, output: { output.write($0) })
            if let message = interrupt.message() {
                Diagnostics.error(message)
                ended = (.interrupted, interrupt.status, message)
            } else {
                ended = Self.ending(outcome, limits: limits, name: name)
            }
        }
        if ended.status == .done { effects.scriptEnded() }
        if let stop = effects.stop {
            Diagnostics.error("\(name): \(stop.description)")
            switch stop.kind {
            case .divergence, .inputChanged: ended = (resuming?.before ?? .failed, ExitStatus.scriptError, stop.description)
            case .uncertain, .store, .parked: ended = (.interrupted, ExitStatus.scriptError, stop.description)
            case .interrupted: ended = (.interrupted, RunInterrupt.exitStatus, stop.description)
            case .cancelled: ended = (.cancelled, ExitStatus.scriptError, stop.description)
            }
        } else if heartbeat.cancelled {
            ended = (.cancelled, ExitStatus.scriptError, "run \(record.id) was cancelled (onboard runs cancel)")
            Diagnostics.error(ended.error!)
        }
        do {
            try store.finish(record.id, status: ended.status, exitCode: ended.exit, error: ended.error, output: output.take(),
                             outputBytes: output.total)
        } catch {
            Diagnostics.error("the run's end could not be written to the run store: \(error.description)")
        }
        switch ended.status {
        case .failed where effects.stop == nil && !resumeLine.isEmpty:
            Diagnostics.error("run \(record.id) failed; fix the flow, then resume it with: onboard runs resume \(record.id)\(storeOptions.suggestion(store))")
        case .interrupted: Diagnostics.error("run \(record.id) interrupted" + resumeLine)
        case .failed, .done, .cancelled, .running, .waiting: break
        }
        return ended.status == .done ? ExitStatus.success : ended.exit
    }

    /// The run record and the journal to replay: a new run, or the one resumed.
    private func start(name: String, flowHash: String, script: ScriptSource?, backend: String) throws(RunStoreError) -> (RunRecord, [JournalEntry]) {
        guard let resuming else {
            let file = command.file
            let record = try store.create(NewRun(
                flow: file ?? "-e", flowHash: flowHash, script: file == "-" || file == nil ? script?.bytes : nil,
                arguments: command.arguments, command: options, folder: FileManager.default.currentDirectoryPath, backend: backend,
                client: command.backend.client))
            return (record, [])
        }
        let record = resuming.record
        let journal = try store.entries(of: record.id)
        if record.flowHash != flowHash {
            Diagnostics.warning("\(name) changed since \(record.id) started; replaying it against the journal (a step that differs stops the run and leaves it as it was)")
            try store.setFlowHash(record.id, flowHash)
        }
        Diagnostics.warning("resuming \(record.id) (attempt \(record.attempts)): \(journal.count) steps from the journal, then live")
        return (record, journal)
    }

    /// How an in-process run ended.
    static func ending(_ result: Result<Void, any Error>, limits: LuaLimits, name: String) -> (RunStatus, Int32, String?) {
        let status = Run.report(result, limits: limits)
        if status == ExitStatus.success { return (.done, status, nil) }
        let error: String = switch result {
        case .failure(let e as LuaError): e.message
        case .failure(let e): "\(e)"
        case .success: ""
        }
        return (.failed, status, error)
    }

    /// How a worker run ended (reported as `onboard run` reports it).
    static func ending(_ outcome: WorkerSupervisor.Outcome, limits: LuaLimits, name: String) -> (RunStatus, Int32, String?) {
        switch outcome {
        case .finished(nil): return (.done, ExitStatus.success, nil)
        case .finished(let error?): return (.failed, Run.report(.failure(error), limits: limits), error.message)
        case .killedAtDeadline(let request):
            let why = request.map { "the time limit passed during \($0), and the run was stopped" }
                ?? "the script was stuck in a call that cannot be interrupted, and its worker process was killed"
            let message = "\(name): time limit exceeded (--time-limit \(limits.display(.time))): \(why)"
            Diagnostics.error(message)
            return (.failed, ExitStatus.limit, message)
        case .crashed(let why):
            let message = "\(name): the script crashed the Lua VM in its worker process; nothing else was affected (\(why))"
            Diagnostics.error(message)
            return (.failed, ExitStatus.scriptError, message)
        }
    }
}

/// Renews a run's lease every `RunLease.heartbeatInterval` seconds; a run cancelled meanwhile
/// has its worker killed.
final class Heartbeat: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var wasCancelled = false

    init(store: RunStore, runID: String, inProcess: Bool) {
        let thread = Thread { [done] in
            while done.wait(timeout: .now() + RunLease.heartbeatInterval) == .timedOut {
                if (try? store.heartbeat(runID)) == false {
                    self.lock.withLock { self.wasCancelled = true }
                    if !inProcess { WorkerSupervisor.killRunningWorkers() }
                    return
                }
            }
        }
        thread.stackSize = 128 << 10
        thread.start()
    }

    var cancelled: Bool { lock.withLock { wasCancelled } }
    func stop() { done.signal() }
}
