import CProcess
import Foundation
import JSONCodec
import LuaKit

#if canImport(Glibc)
import Glibc
#endif

/// The worker: a process of the same binary (`onboard sandbox-worker`, hidden) that runs one script and
/// nothing else. It starts with no environment, closes what it does not need, limits itself
/// (address space, CPU, open files, no core dumps), reads its orders on standard input and
/// answers on standard output (`WorkerWire` frames); every effect is a request to the parent.
public enum WorkerProcess {
    /// Runs the worker's protocol and exits.
    public static func main() -> Never {
        let input: Int32 = 0, output: Int32 = 1
        guard let (header, blob) = try? WorkerWire.read(input), let op = WorkerOp(of: header), op == .start || op == .repl,
              let start = try? WorkerStart.decode(header, blob) else {
            FileHandle.standardError.write(Data("onboard sandbox-worker: no start message (this command is run by onboard itself)\n".utf8))
            exit(2)
        }
        // a pooled worker runs many scripts: each has its deadline, watched by the parent
        applyResourceLimits(start.limits, session: op == .repl || start.pooled)
        leaveTheNetwork()
        if op == .repl {
            let effects = RemoteEffects(backendSummary: start.backendSummary, hasEmulator: start.hasEmulator, input: input, output: output)
            repl(start, effects: effects, input: input, probe: header["probe"])
        }
        // a process group of its own, as a REPL session's: the terminal's Ctrl-C goes to the
        // parent only, which stops the API call in flight, names it, and kills this process
        _ = setpgid(0, 0)
        // every script of a pooled worker runs on this one Lua thread, which the first locks
        // down (Landlock binds the thread that asks and the threads it starts)
        _ = try? LuaThread.run {
            var start = start, probe = header["probe"]
            var sandbox: KernelSandbox?
            while true {
                let effects = RemoteEffects(backendSummary: start.backendSummary, hasEmulator: start.hasEmulator, input: input, output: output)
                effects.finish(runOne(start, probe: probe, effects: effects, sandbox: &sandbox))
                guard start.pooled, let (next, blob) = try? WorkerWire.read(input), WorkerOp(of: next) == .start,
                      let following = try? WorkerStart.decode(next, blob) else { break }
                (start, probe) = (following, nil)
            }
        }
        exit(0)
    }

    /// One script in a fresh state: the `done` message. The first script of the process locks
    /// it down; the later ones (a pooled worker) find it locked.
    static func runOne(_ start: WorkerStart, probe: JSONValue?, effects: RemoteEffects, sandbox: inout KernelSandbox?) -> JSONValue {
        let run = scriptRun(start, effects: effects)
        do {
            let state = try run.makeState()
            defer { state.close() }
            let locked = try sandbox ?? lockDown(start, probe: probe, effects: effects)
            sandbox = locked
            effects.started(sandbox: locked)
            try run.execute(in: state)
            return .message(.done, ["status": "ok"])
        } catch {
            return .message(.done, describe(error))
        }
    }

    /// The worker's `ScriptRun`: effects and modules through the parent.
    static func scriptRun(_ start: WorkerStart, effects: RemoteEffects) -> ScriptRun {
        var run = ScriptRun(
            preludes: start.preludes, script: start.script, arguments: start.arguments,
            interpreterArguments: start.interpreterArguments, scriptName: start.scriptName, limits: start.limits,
            stdlibFolder: start.stdlibFolder, output: { effects.write($0) }, host: effects)
        run.row = start.row
        run.postludes = start.postludes
        run.testing = start.testing
        run.modules = RemoteModules(
            effects: effects, searcher: ModuleSearcher(scriptFolder: start.script?.folder ?? ".", stdlibFolder: start.stdlibFolder))
        return run
    }

    /// Locks the worker down once its state is built (the stdlib files it needs are read) and
    /// before the script's first instruction, on the Lua thread, so that Landlock binds the
    /// thread scripts run on and every thread it starts; seccomp binds them all. Throws when
    /// the parent requires both layers and the kernel lacks one. A `probe` (tests only) reports
    /// what the lock-down refuses and ends the worker.
    static func lockDown(_ start: WorkerStart, probe: JSONValue?, effects: RemoteEffects) throws(LuaError) -> KernelSandbox {
        let sandbox = KernelSandbox.lockDown(probe.map(probeLayers) ?? .all)
        if let probe { reportProbe(probe, sandbox: sandbox, effects: effects) }
        if let refusal = sandbox.refusal(required: start.requireKernelSandbox) {
            throw LuaError(status: .runtime, message: refusal)
        }
        return sandbox
    }

    /// A failure as the `done` and `evaluated` messages carry it (`WorkerSupervisor.error(from:)`
    /// reads it back).
    static func describe(_ error: any Error) -> [String: JSONValue] {
        guard let error = error as? LuaError else { return ["status": "error", "kind": "runtime", "message": .string("\(error)")] }
        var fields: [String: JSONValue] = ["status": "error", "message": .string(error.message)]
        if let traceback = error.traceback { fields["traceback"] = .string(traceback) }
        if let location = error.location {
            fields["source"] = .string(location.source)
            fields["line"] = .integer(Int64(location.line))
        }
        fields["kind"] = switch error.status {
        case .runtime: "runtime"
        case .syntax: "syntax"
        case .memory: "memory"
        case .errorHandler: "error_handler"
        case .limit(let kind): .string("limit:" + kind.rawValue)
        }
        return fields
    }

    /// Moves the worker into a network namespace of its own, with no interface but a down
    /// loopback, where the kernel allows it (as root, or where unprivileged user namespaces are
    /// on). Best effort: the worker has no network code path and no key either way.
    @discardableResult
    static func leaveTheNetwork() -> Bool { onb_leave_network() == 0 }

    /// Backstops for what the in-VM limits cannot see: address space (the memory cap plus room
    /// for the runtime), CPU seconds (the time limit plus slack), a few open files, no core dump.
    /// A REPL session (`session`) gets no CPU cap: its statements add up over a long session,
    /// and each one has its own deadline, watched by the parent.
    static func applyResourceLimits(_ limits: LuaLimits, session: Bool = false) {
        func set(_ resource: Int32, _ value: UInt64) {
            var limit = rlimit(rlim_cur: rlim_t(value), rlim_max: rlim_t(value))
            _ = setrlimit(__rlimit_resource_t(UInt32(resource)), &limit)
        }
        set(Int32(RLIMIT_CORE.rawValue), 0)
        set(Int32(RLIMIT_NOFILE.rawValue), 32)
        let memory = UInt64(limits.memory ?? (1 << 30))
        set(Int32(RLIMIT_AS.rawValue), memory + (3 << 30))
        if let time = limits.time, !session {
            set(Int32(RLIMIT_CPU.rawValue), UInt64(time.components.seconds) * 2 + 5)
        }
    }
}
