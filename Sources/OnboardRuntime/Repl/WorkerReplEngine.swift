import Foundation
import JSONCodec
import LuaKit

#if canImport(Glibc)
import Glibc
#endif

/// A REPL session in a worker process (`onboard sandbox-worker`, as for `onboard run`): the state, the
/// sandbox and the resource limits live there, the key, the files and the client here. Each
/// statement has the run's limits; past its time limit by half a second, or on a second Ctrl-C a
/// second after the first, the worker is killed and a fresh session replaces it.
public final class WorkerReplEngine: ReplEngine, @unchecked Sendable {
    private let run: ScriptRun
    private let effects: FlowHost
    private let output: @Sendable (UnsafeRawBufferPointer) -> Void
    private let supervisor: WorkerSupervisor
    private var worker: WorkerSupervisor.Spawned
    /// The statement running: the worker's pid and when Ctrl-C was first pressed during it.
    private let lock = NSLock()
    private var runningPid: pid_t?
    private var interruptedAt: Date?

    public var backendSummary: String { effects.backendSummary }

    public init(_ run: ScriptRun, effects: FlowHost, supervisor: WorkerSupervisor = WorkerSupervisor(),
                output: @escaping @Sendable (UnsafeRawBufferPointer) -> Void) throws(LuaError) {
        self.run = run
        self.effects = effects
        self.output = output
        self.supervisor = supervisor
        worker = try Self.start(run, effects: effects, supervisor: supervisor, output: output)
    }

    /// Starts a worker in REPL mode and waits until its session is ready.
    private static func start(_ run: ScriptRun, effects: FlowHost, supervisor: WorkerSupervisor,
                              output: @Sendable (UnsafeRawBufferPointer) -> Void) throws(LuaError) -> WorkerSupervisor.Spawned {
        signal(SIGPIPE, SIG_IGN)
        let worker = WorkerSupervisor.Spawned(executable: supervisor.executable, arguments: supervisor.arguments)
        if let failure = worker.failure { throw LuaError(status: .runtime, message: failure) }
        let start = WorkerStart(
            preludes: run.preludes, script: nil, arguments: [], interpreterArguments: run.interpreterArguments, scriptName: nil,
            limits: run.limits, stdlibFolder: run.stdlibFolder, backendSummary: effects.backendSummary, hasEmulator: effects.hasEmulator)
        let (header, blob) = start.encode(op: .repl)
        do {
            try WorkerWire.write(worker.toWorker.fileHandleForWriting.fileDescriptor, header, blob)
            let reply = try converse(worker, run: run, effects: effects, output: output, until: .ready)
            if WorkerOp(of: reply) == .done {
                throw WorkerSupervisor.error(from: reply) ?? LuaError(status: .runtime, message: "the REPL session did not start")
            }
        } catch let error as LuaError {
            kill(worker.process.processIdentifier, SIGKILL)
            throw error
        } catch {
            kill(worker.process.processIdentifier, SIGKILL)
            throw LuaError(status: .runtime, message: "the worker process failed to start the REPL session (\(error))")
        }
        return worker
    }

    /// Reads the worker's frames, passing output on and serving its requests, until a message
    /// with op `op` (or `done`) arrives. Throws when the worker is gone.
    private static func converse(_ worker: WorkerSupervisor.Spawned, run: ScriptRun, effects: FlowHost,
                                 output: (UnsafeRawBufferPointer) -> Void, until op: WorkerOp) throws(WorkerWire.Failure) -> JSONValue {
        let readFD = worker.fromWorker.fileHandleForReading.fileDescriptor
        let writeFD = worker.toWorker.fileHandleForWriting.fileDescriptor
        let modules = ModuleSearcher(scriptFolder: run.script?.folder ?? ".", stdlibFolder: run.stdlibFolder)
        while let (header, blob) = try WorkerWire.read(readFD) {
            let kind = WorkerOp(of: header)
            if kind == .ready { WorkerSupervisor.noteKernelSandbox(header) }
            if kind == op || kind == .done { return header }
            if kind == .out {
                blob.withUnsafeBytes(output)
                continue
            }
            if kind == .started { continue }
            let (reply, replyBlob) = try WorkerSupervisor.serve(kind, header, blob, effects, modules: modules)
            try WorkerWire.write(writeFD, reply, replyBlob)
        }
        throw WorkerWire.Failure(description: "the worker process ended")
    }

    public func evaluate(_ code: String, chunkName: String, color: Bool, file: Bool) -> ReplOutcome {
        let worker = self.worker
        let pid = worker.process.processIdentifier
        lock.withLock {
            runningPid = pid
            interruptedAt = nil
        }
        let finished = DispatchSemaphore(value: 0)
        let watchdog = run.limits.time.map { limit in startWatchdog(pid: pid, limit: limit, finished: finished) }
        let request: JSONValue = .message(.eval, ["code": .string(code), "chunk": .string(chunkName), "color": .bool(color), "file": .bool(file)])
        let reply: JSONValue?
        do {
            try WorkerWire.write(worker.toWorker.fileHandleForWriting.fileDescriptor, request)
            reply = try Self.converse(worker, run: run, effects: effects, output: output, until: .evaluated)
        } catch {
            reply = nil
        }
        finished.signal()
        let killedAtDeadline = watchdog?.isKilled ?? false
        lock.withLock { runningPid = nil }
        guard let reply, WorkerOp(of: reply) == .evaluated else {
            return restart(because: killedAtDeadline
                ? "the statement passed the time limit (--time-limit \(run.limits.display(.time))) inside a call that cannot be interrupted"
                : "the worker process stopped (\(describeExit(worker)))")
        }
        switch reply["status"]?.stringValue {
        case "ok": return .value(reply["text"]?.stringValue ?? "")
        case "incomplete": return .incomplete
        case "syntax": return .syntax(reply["text"]?.stringValue ?? "")
        default:
            return ReplOutcome.failed(WorkerSupervisor.error(from: reply) ?? LuaError(status: .runtime, message: "unknown error"))
                .naming(effects.takeInterruption())
        }
    }

    public func complete(_ text: String) -> ReplCompletion {
        do {
            try WorkerWire.write(worker.toWorker.fileHandleForWriting.fileDescriptor, .message(.complete, ["text": .string(text)]))
            let reply = try Self.converse(worker, run: run, effects: effects, output: output, until: .completions)
            guard WorkerOp(of: reply) == .completions else { return .none }
            return ReplCompletion(replacing: Int(reply["replacing"]?.intValue ?? 0),
                                  candidates: (reply["candidates"]?.arrayValue ?? []).compactMap(\.stringValue))
        } catch {
            return .none
        }
    }

    public func interrupt() {
        let (pid, first): (pid_t?, Date?) = lock.withLock {
            defer { if runningPid != nil && interruptedAt == nil { interruptedAt = Date() } }
            return (runningPid, interruptedAt)
        }
        guard let pid else { return }
        effects.interruptWaits()
        if let first, Date().timeIntervalSince(first) >= 1 {
            kill(pid, SIGKILL)  // stuck in C: the session is lost, a fresh one replaces it
        } else {
            kill(pid, SIGINT)
        }
    }

    public func close() {
        try? worker.toWorker.fileHandleForWriting.close()
        kill(worker.process.processIdentifier, SIGKILL)
        worker.waitForExit()
    }

    /// Replaces a dead worker with a fresh session.
    private func restart(because reason: String) -> ReplOutcome {
        kill(worker.process.processIdentifier, SIGKILL)
        worker.waitForExit()
        do {
            worker = try Self.start(run, effects: effects, supervisor: supervisor, output: output)
        } catch {
            return .restarted("\(reason); a new session could not start: \(error.message)")
        }
        return .restarted("\(reason); a new session started (globals and prompt locals were lost)")
    }

    private func describeExit(_ worker: WorkerSupervisor.Spawned) -> String {
        kill(worker.process.processIdentifier, SIGKILL)
        worker.waitForExit()
        if worker.process.terminationReason == .uncaughtSignal {
            let signal = worker.process.terminationStatus
            return signal == SIGKILL ? "killed" : "signal \(signal), \(String(cString: strsignal(signal)))"
        }
        return "exit status \(worker.process.terminationStatus)"
    }

    /// Kills the worker when the statement outlives its time limit by half a second (the
    /// in-VM deadline stops Lua code; this stops a C call no hook reaches).
    private func startWatchdog(pid: pid_t, limit: Duration, finished: DispatchSemaphore) -> Watchdog {
        let watchdog = Watchdog()
        let grace = Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18 + 0.5
        let thread = Thread {
            if finished.wait(timeout: .now() + .nanoseconds(Int(min(grace, 1e9) * 1e9))) == .timedOut {
                watchdog.markKilled()
                kill(pid, SIGKILL)
            }
        }
        thread.stackSize = 64 << 10
        thread.start()
        return watchdog
    }
}

private final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var killed = false
    func markKilled() { lock.withLock { killed = true } }
    var isKilled: Bool { lock.withLock { killed } }
}
