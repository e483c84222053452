import Foundation
import JSONCodec
import LuaKit
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The parent's side: starts a worker, serves its requests with the real effects (the key, the
/// client, the files stay here), passes its output on, and kills it with SIGKILL when the time
/// limit has passed by half a second, which stops even a C function no hook can interrupt
/// (`("a"):rep(1000):find(".-.-.-b")`). A worker that crashes takes nothing else down.
public struct WorkerSupervisor: Sendable {
    public enum Outcome: Equatable {
        /// The script ran to its end (`error` nil) or failed with a Lua error.
        case finished(LuaError?)
        /// The time limit passed and the worker did not stop: it was killed. `duringHostCall`
        /// names the request the parent was serving then (`an API call`, `a sleep`), if any;
        /// otherwise the script was stuck in a C function no hook can interrupt.
        case killedAtDeadline(duringHostCall: String?)
        /// The worker died on a signal or exited without finishing (a crash of the VM).
        case crashed(String)
    }

    public var executable: String
    public var arguments: [String]

    /// The hidden command a script runs in: `onboard sandbox-worker` (the name `onboard worker`
    /// is the long-running automation worker's).
    public static let command = "sandbox-worker"

    /// `onboard sandbox-worker` of this very binary.
    public init(executable: String = WorkerSupervisor.currentExecutable, arguments: [String] = [WorkerSupervisor.command]) {
        self.executable = executable
        self.arguments = arguments
    }

    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// A started worker waiting for its script: its process, pipes and exit signal.
    final class Spawned: @unchecked Sendable {
        let process = Process()
        let toWorker = Pipe(), fromWorker = Pipe(), errors = Pipe()
        let exited = DispatchSemaphore(value: 0)
        let executable: String
        let failure: String?
        /// The worker's standard error, its last lines kept for a crash report.
        private(set) var stderrText: DataCollector?
        /// Whether a run has used it (a pooled worker serves many).
        var hasRun = false

        init(executable: String, arguments: [String]) {
            self.executable = executable
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.environment = [:]  // nothing of ours: no key, no profile
            process.standardInput = toWorker
            process.standardOutput = fromWorker
            process.standardError = errors
            // Foundation's waitUntilExit polls its run loop every 50 ms; the termination
            // handler fires as soon as the child is reaped
            let exited = self.exited
            process.terminationHandler = { process in
                Self.running.withLock { _ = $0.remove(process.processIdentifier) }
                exited.signal()
            }
            var failure: String?
            do {
                // under the lock: a worker that dies at once is removed after it was added
                let process = self.process
                try Self.running.withLock { running in
                    try process.run()
                    running.insert(process.processIdentifier)
                }
            } catch { failure = "cannot start the worker process: \(error)" }
            self.failure = failure
            if failure == nil { stderrText = DataCollector(errors.fileHandleForReading) }
        }

        var pid: pid_t { process.processIdentifier }

        /// Workers of this process not yet reaped, for `killRunningWorkers`.
        static let running = Mutex<Set<pid_t>>([])

        func waitForExit() {
            exited.wait()
            exited.signal()  // later waits return at once
        }
    }

    private static let early = Mutex<Spawned?>(nil)

    /// Kills every worker this process started that still runs: Ctrl-C ends `onboard run`
    /// (`RunInterrupt`), and its worker with it.
    public static func killRunningWorkers() {
        Spawned.running.withLock { pids in for pid in pids { kill(pid, SIGKILL) } }
    }

    /// Starts this binary's worker now, before the command line is even parsed, so that its
    /// start-up overlaps the parent's (two cores, two processes): `execute` then uses it. A
    /// worker that is never used reads end-of-file and exits.
    public static func startEarly() {
        let spawned = Spawned(executable: currentExecutable, arguments: [command])
        early.withLock { $0 = spawned }
    }

    /// Runs `run` (its script, arguments and limits) in a worker, with `effects` serving it.
    public func execute(_ run: ScriptRun, effects: any FlowEffects, output: @escaping @Sendable (UnsafeRawBufferPointer) -> Void) -> Outcome {
        let prepared = Self.early.withLock { slot -> Spawned? in
            defer { slot = nil }
            return slot
        }
        let worker = prepared.flatMap { $0.executable == executable && arguments == [Self.command] && $0.failure == nil ? $0 : nil }
            ?? Spawned(executable: executable, arguments: arguments)
        return converse(worker, run, effects: effects, output: output).outcome
    }

    /// One run in `worker`: the conversation to its `done`. A pooled worker (`pooled`) is left
    /// running after a clean end, ready for the next run (`reusable`); otherwise, and after a
    /// kill or a crash, the worker is ended and reaped.
    func converse(_ worker: Spawned, _ run: ScriptRun, effects: any FlowEffects, pooled: Bool = false,
                  output: @escaping @Sendable (UnsafeRawBufferPointer) -> Void) -> (outcome: Outcome, reusable: Bool) {
        if let failure = worker.failure { return (.crashed(failure), false) }
        let process = worker.process
        let (toWorker, fromWorker) = (worker.toWorker, worker.fromWorker)
        let waitForExit = { worker.waitForExit() }
        let writeFD = toWorker.fileHandleForWriting.fileDescriptor
        let readFD = fromWorker.fileHandleForReading.fileDescriptor
        signal(SIGPIPE, SIG_IGN)

        // the deadline is watched by a thread of its own: Dispatch's global queues have as many
        // threads as cores, and blocking reads elsewhere could hold the kill back
        let killed = KillFlag()
        let startedRunning = DispatchSemaphore(value: 0)
        let finishedRunning = DispatchSemaphore(value: 0)
        // woken when the conversation ends, or when the watchdog kills the worker
        let wake = DispatchSemaphore(value: 0)
        if let time = run.limits.time {
            let pid = process.processIdentifier
            let grace = Double(time.components.seconds) + Double(time.components.attoseconds) / 1e18 + 0.5
            let watcher = Thread {
                // the clock starts when the script does (the worker's own set-up is not the
                // script's time), but a worker that never gets there is not waited for forever
                let ready = startedRunning.wait(timeout: .now() + .seconds(30)) == .success
                if !ready || finishedRunning.wait(timeout: .now() + .nanoseconds(Int(min(grace, 1e9) * 1e9))) == .timedOut {
                    // a run that ended meanwhile keeps its worker (a pooled one runs the next)
                    if killed.setUnlessEnded() {
                        kill(pid, SIGKILL)
                        wake.signal()
                    }
                }
            }
            watcher.stackSize = 64 << 10
            watcher.start()
        }
        defer {
            killed.end()
            startedRunning.signal()
            finishedRunning.signal()
        }
        var start = WorkerStart(
            preludes: run.preludes, script: run.script, arguments: run.arguments, interpreterArguments: run.interpreterArguments,
            scriptName: run.scriptName, limits: run.limits, stdlibFolder: run.stdlibFolder,
            backendSummary: effects.backendSummary, hasEmulator: effects.hasEmulator)
        start.row = run.row
        start.postludes = run.postludes
        start.testing = run.testing
        start.pooled = pooled
        let (startHeader, startBlob) = start.encode()
        let modules = ModuleSearcher(scriptFolder: run.script?.folder ?? ".", stdlibFolder: run.stdlibFolder)
        let state = ConversationState()
        // the conversation runs on a thread of its own, so a host call that outlives the time
        // limit (a long sleep, a slow server) cannot hold the run past it
        let conversation = Thread {
            do {
                try WorkerWire.write(writeFD, startHeader, startBlob)
                while let (header, blob) = try WorkerWire.read(readFD) {
                    let op = WorkerOp(of: header)
                    if op == .out {
                        blob.withUnsafeBytes(output)
                        continue
                    }
                    if op == .started {
                        Self.noteKernelSandbox(header)
                        startedRunning.signal()
                        continue
                    }
                    if op == .done {
                        state.finish(Self.error(from: header))
                        break
                    }
                    state.serving(Self.describe(op))
                    let (reply, replyBlob) = try Self.serve(op, header, blob, effects, modules: modules)
                    state.serving(nil)
                    if killed.isSet { break }
                    try WorkerWire.write(writeFD, reply, replyBlob)
                }
            } catch {
                state.fail("\(error)")
            }
            wake.signal()
        }
        conversation.stackSize = 1 << 20
        conversation.start()
        wake.wait()
        if killed.isSet && !state.isFinished {
            waitForExit()
            return (.killedAtDeadline(duringHostCall: state.currentRequest), false)
        }
        let finished = state.finished
        let protocolError = state.protocolError
        if pooled, let finished, !killed.isSet, process.isRunning { return (.finished(finished), true) }
        try? toWorker.fileHandleForWriting.close()
        // a worker that stopped talking before `done` (garbage, an early exit) is ended here
        let stoppedByUs = finished == nil && process.isRunning
        if finished == nil { kill(process.processIdentifier, SIGKILL) }
        waitForExit()
        if let finished { return (.finished(finished), false) }
        if killed.isSet { return (.killedAtDeadline(duringHostCall: nil), false) }
        let detail = (worker.stderrText?.text() ?? "").split(separator: "\n").suffix(3).joined(separator: " | ")
        if process.terminationReason == .uncaughtSignal && !(stoppedByUs && process.terminationStatus == SIGKILL) {
            let name = String(cString: strsignal(process.terminationStatus))
            return (.crashed("the worker process died on signal \(process.terminationStatus) (\(name))" + (detail.isEmpty ? "" : ": \(detail)")), false)
        }
        return (.crashed("the worker process exited with status \(process.terminationStatus) before the script finished"
                        + (protocolError.map { " (\($0))" } ?? "") + (detail.isEmpty ? "" : ": \(detail)")), false)
    }

    /// A request in words, for the message when the time limit passes during it.
    static func describe(_ op: WorkerOp?) -> String {
        switch op {
        case .perform: "an API call"
        case .control: "a call to the emulator's control surface"
        case .sleep, .wait, .event: "a wait"
        default: "a request to the host"
        }
    }

    /// One request of the worker, answered with the parent's effects and, for `require`, the
    /// run's module files.
    static func serve(_ op: WorkerOp?, _ header: JSONValue, _ blob: [UInt8], _ effects: any FlowEffects,
                      modules: ModuleSearcher) throws(WorkerWire.Failure) -> (JSONValue, [UInt8]) {
        switch op {
        case .perform: return WorkerMessages.encode(effects.perform(try WorkerMessages.decodeCall(header, blob)))
        case .control: return WorkerMessages.encode(effects.control(try WorkerMessages.decodeAction(header)))
        case .now: return (["value": .double(effects.now())], [])
        case .sleep:
            effects.sleep(seconds: max(0, header["seconds"]?.doubleValue ?? 0))
            return ([:], [])
        case .seed: return (["value": .integer(effects.randomSeed())], [])
        case .wait:
            let event: WaitEvent = switch header["event"]?.stringValue {
            case "begin": .begin(timeout: header["timeout"]?.doubleValue ?? 0)
            case "round": .round
            case "expect": .expect(event: header["name"]?.stringValue ?? "", object: header["object"]?.stringValue ?? "")
            default: .end
            }
            return (["value": .double(effects.wait(event))], [])
        case .event:
            let body = effects.receivedEvent(header["name"]?.stringValue ?? "", object: header["object"]?.stringValue ?? "")
            return (["found": .bool(body != nil)], body ?? [])
        case .env:
            switch effects.env(header["name"]?.stringValue ?? "") {
            case .success(let value): return (["ok": true, "value": value.map { .string($0) } ?? .null], [])
            case .failure(.message(let m)): return (["ok": false, "message": .string(m)], [])
            case .failure(.api(let e)): return (["ok": false, "message": .string(e.description)], [])
            }
        case .module:
            let name = header["name"]?.stringValue ?? ""
            return WorkerMessages.encodeModule { try modules.find(name) }
        default: throw WorkerWire.Failure(description: "an unknown request '\(header["op"]?.stringValue ?? "?")'")
        }
    }

    private static let kernelSandboxNoted = Mutex(false)

    /// Shows, once per process, which kernel layer the worker runs without (`started`, `ready`).
    static func noteKernelSandbox(_ header: JSONValue) {
        guard let note = KernelSandbox(header["kernel_sandbox"])?.note else { return }
        let first = kernelSandboxNoted.withLock { noted in
            defer { noted = true }
            return !noted
        }
        if first { FileHandle.standardError.write(Data((note + "\n").utf8)) }
    }

    static func error(from done: JSONValue) -> LuaError? {
        guard done["status"]?.stringValue != "ok" else { return nil }
        let kind = done["kind"]?.stringValue ?? "runtime"
        let status: LuaError.Status = switch kind {
        case "syntax": .syntax
        case "memory": .memory
        case "error_handler": .errorHandler
        case _ where kind.hasPrefix("limit:"): .limit(LuaLimitKind(rawValue: String(kind.dropFirst(6))) ?? .cancelled)
        default: .runtime
        }
        var location: LuaError.Location?
        if let source = done["source"]?.stringValue, let line = done["line"]?.intValue {
            location = LuaError.Location(source: source, line: Int(line))
        }
        return LuaError(status: status, message: done["message"]?.stringValue ?? "", traceback: done["traceback"]?.stringValue,
                        location: location)
    }
}

/// What the conversation thread learnt, read by the supervisor when it wakes.
private final class ConversationState: @unchecked Sendable {
    private let lock = NSLock()
    private var done: LuaError?? = nil
    private var failure: String?
    private var current: String?

    func finish(_ error: LuaError?) { lock.withLock { done = .some(error) } }
    func fail(_ message: String) { lock.withLock { failure = message } }
    func serving(_ request: String?) { lock.withLock { current = request } }
    var isFinished: Bool { lock.withLock { done != nil } }
    var finished: LuaError?? { lock.withLock { done } }
    var protocolError: String? { lock.withLock { failure } }
    var currentRequest: String? { lock.withLock { current } }
}

private final class KillFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    private var ended = false
    /// Sets the flag unless the run has ended: the watchdog's decision to kill.
    func setUnlessEnded() -> Bool {
        lock.withLock {
            guard !ended else { return false }
            value = true
            return true
        }
    }
    func end() { lock.withLock { ended = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// Reads a pipe to its end in the background (the worker's standard error, for crash reports).
final class DataCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        let reader = Thread { [self] in
            let all = handle.readDataToEndOfFile()
            self.lock.withLock { self.data = all.suffix(4096) }
            self.done.signal()
        }
        reader.stackSize = 256 << 10
        reader.start()
    }

    func text() -> String {
        _ = done.wait(timeout: .now() + 1)
        return lock.withLock { String(decoding: data, as: UTF8.self) }
    }
}
