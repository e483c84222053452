import CProcess
import Foundation
import JSONCodec
import LuaKit

#if canImport(Glibc)
import Glibc
#endif

/// The worker: a process of the same binary (`onboard worker`, hidden) that runs one script and
/// nothing else. It starts with no environment, closes what it does not need, limits itself
/// (address space, CPU, open files, no core dumps), reads its orders on standard input and
/// answers on standard output (`WorkerWire` frames); every effect is a request to the parent.
public enum WorkerProcess {
    /// Runs the worker's protocol and exits.
    public static func main() -> Never {
        let input: Int32 = 0, output: Int32 = 1
        guard let (header, blob) = try? WorkerWire.read(input), let op = header["op"]?.stringValue, op == "start" || op == "repl",
              let start = try? WorkerStart.decode(header, blob) else {
            FileHandle.standardError.write(Data("onboard worker: no start message (this command is run by onboard itself)\n".utf8))
            exit(2)
        }
        applyResourceLimits(start.limits, session: op == "repl")
        leaveTheNetwork()
        if op == "repl" { repl(start, input: input, output: output) }
        // a process group of its own, as a REPL session's: the terminal's Ctrl-C goes to the
        // parent only, which stops the API call in flight, names it, and kills this process
        _ = setpgid(0, 0)
        let effects = RemoteEffects(backendSummary: start.backendSummary, hasEmulator: start.hasEmulator, input: input, output: output)
        let run = ScriptRun(
            preludes: start.preludes, script: start.script, arguments: start.arguments,
            interpreterArguments: start.interpreterArguments, scriptName: start.scriptName, limits: start.limits,
            stdlibFolder: start.stdlibFolder, output: { effects.write($0) }, host: effects)
        var done: [String: JSONValue] = ["op": "done"]
        effects.started()
        do {
            _ = try LuaThread.run { try run.execute() }
            done["status"] = "ok"
        } catch {
            done.merge(describe(error), uniquingKeysWith: { $1 })
        }
        effects.finish(.object(done))
        exit(0)
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
