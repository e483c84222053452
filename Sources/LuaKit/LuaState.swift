import CLua
import CLuaShims
import Foundation

/// Owns one `lua_State` and closes it.
///
/// ```swift
/// let state = try LuaState()                       // the sandbox environment
/// let results = try state.execute("return 1 + 1", chunkName: "=demo")
/// state.close()
/// ```
///
/// A state is not thread-safe: create it, use it and close it on one thread, and make that a
/// thread with a large stack (`LuaThread`, SANDBOX.md §3.4). `deinit` closes a state that was
/// not closed, as a safety net.
public final class LuaState {
    /// Which globals scripts see.
    public enum Environment: Sendable {
        /// The allow-listed environment of SANDBOX.md §4.5.
        case sandbox
        /// Every standard library, for trusted code (tools, benchmarks, tests).
        case standard
    }

    /// The raw handle, for code that needs the C API directly. Never call a Lua function
    /// that can raise on it from Swift.
    public private(set) var handle: OpaquePointer?
    let context: ContextBox
    let references = ReferenceRegistry()
    /// The marker metatables of JSON arrays and objects, shared by `json` and host results.
    lazy var jsonMarkers = LuaJSON.Markers(state: self)
    public let environment: Environment
    public var limits: LuaLimits { didSet { applyLimits() } }
    /// Chunk-name prefixes of library code (`"@lib/"` for chunks named `@lib/x.lua`) whose
    /// frames `LuaError.location` and a limit's location skip: an error a library raises on
    /// its caller's behalf belongs to the line of the script that called it. None by default.
    public var hiddenChunkPrefixes: [String] { didSet { applyHiddenChunkPrefixes() } }
    let output: OutputBox

    /// Opens a state with the given environment and limits; script output goes to `output`.
    public init(
        environment: Environment = .sandbox, limits: LuaLimits = .none, hiddenChunkPrefixes: [String] = [],
        output: @escaping (UnsafeRawBufferPointer) -> Void = LuaState.standardOutput
    ) throws(LuaError) {
        LuaState.installCallbacks()
        self.environment = environment
        self.limits = limits
        self.hiddenChunkPrefixes = hiddenChunkPrefixes
        self.context = ContextBox()
        self.output = OutputBox(output)
        onb_set_writer(context.pointer, outputTrampoline, Unmanaged.passUnretained(self.output).toOpaque())
        applyLimits()
        applyHiddenChunkPrefixes()
        guard let L = onb_state_open(context.pointer) else {
            throw LuaError(status: .memory, message: "cannot open a Lua state: out of memory")
        }
        handle = L
        onb_set_owner(context.pointer, Unmanaged.passUnretained(self).toOpaque())
        let status = environment == .sandbox ? onb_open_sandbox(L) : onb_open_standard(L)
        if status != LUA_OK {
            let message = popErrorMessage(L)
            close()
            throw LuaError(status: .runtime, message: "cannot build the Lua environment: \(message)")
        }
    }

    deinit { close() }

    /// Closes the state. Safe to call twice. References into it become invalid.
    public func close() {
        guard handle != nil else { return }
        references.close()
        onb_state_close(context.pointer)
        handle = nil
    }

    public var isClosed: Bool { handle == nil }

    /// The open handle; using a closed state is a programming error.
    var L: OpaquePointer {
        guard let handle else { preconditionFailure("LuaState used after close()") }
        return handle
    }

    /// Bytes the allocator holds for this state.
    public var memoryUsed: Int { Int(onb_memory_used(context.pointer)) }
    /// Bytes of script output so far (print).
    public var outputUsed: Int { Int(onb_output_used(context.pointer)) }

    /// Stops the running script from any thread; it ends with `LuaError.Status.limit(.cancelled)`.
    public func cancel() { context.kill(.cancelled) }

    /// A handle that can cancel the running script from another thread.
    public var canceller: LuaCanceller { LuaCanceller(context: context) }

    private func applyLimits() {
        onb_set_memory_limit(context.pointer, limits.memory.map { max(0, $0) } ?? 0)
        onb_set_output_limit(context.pointer, limits.output.map { UInt64(max(0, $0)) } ?? 0)
        onb_set_instruction_limit(context.pointer, limits.instructions ?? 0)
    }

    private func applyHiddenChunkPrefixes() {
        onb_clear_hidden_prefixes(context.pointer)
        for prefix in hiddenChunkPrefixes where !prefix.isEmpty {
            guard onb_add_hidden_prefix(context.pointer, prefix) == 0 else { fatalError("out of memory storing a chunk prefix") }
        }
    }

    /// Releases registry slots whose Swift references died. Runs on the state's thread.
    func drainReferences() {
        guard let handle else { return }
        for ref in references.drain() { luaL_unref(handle, clua_registryindex(), ref) }
    }

    /// Writes to the process's standard output through C stdio (buffered; see `flushStandardOutput`).
    public static func standardOutput(_ bytes: UnsafeRawBufferPointer) {
        onb_stdout_write(bytes.baseAddress, bytes.count)
    }

    public static func flushStandardOutput() { onb_stdout_flush() }
}

/// Cancels a state's running script from any thread.
public struct LuaCanceller: Sendable {
    let context: ContextBox
    public func cancel() { context.kill(.cancelled) }
}

/// The C context of a state. A class so that a deadline timer can keep it alive after the
/// state is gone; freed when the last owner lets go.
final class ContextBox: @unchecked Sendable {
    let pointer: OpaquePointer
    private let lock = NSLock()
    private var run: UInt64 = 0
    private var runActive = false

    init() {
        guard let p = onb_context_new() else { fatalError("out of memory allocating a Lua context") }
        pointer = p
    }
    deinit { onb_context_free(pointer) }

    func kill(_ kind: LuaLimitKind) { onb_kill(pointer, kind.killReason) }

    /// Starts a run and returns its token; a deadline uses it so that a late timer never stops
    /// a later run.
    func beginRun() -> UInt64 {
        lock.withLock {
            run &+= 1
            runActive = true
            return run
        }
    }
    func endRun() { lock.withLock { runActive = false; run &+= 1 } }
    func kill(_ kind: LuaLimitKind, ifRun token: UInt64) {
        lock.withLock { if runActive && run == token { onb_kill(pointer, kind.killReason) } }
    }

    var killed: LuaLimitKind? { LuaLimitKind(killReason: onb_killed(pointer)) }
}

final class OutputBox {
    let write: (UnsafeRawBufferPointer) -> Void
    init(_ write: @escaping (UnsafeRawBufferPointer) -> Void) { self.write = write }
}

private let outputTrampoline: onb_write_fn = { ud, bytes, len in
    guard let ud else { return }
    Unmanaged<OutputBox>.fromOpaque(ud).takeUnretainedValue().write(UnsafeRawBufferPointer(start: bytes, count: len))
}

extension LuaLimitKind {
    var killReason: onb_kill_reason {
        switch self {
        case .memory: ONB_KILL_MEMORY
        case .instructions: ONB_KILL_INSTRUCTIONS
        case .time: ONB_KILL_TIME
        case .output: ONB_KILL_OUTPUT
        case .cancelled: ONB_KILL_CANCEL
        }
    }

    init?(killReason: onb_kill_reason) {
        switch killReason {
        case ONB_KILL_MEMORY: self = .memory
        case ONB_KILL_INSTRUCTIONS: self = .instructions
        case ONB_KILL_TIME: self = .time
        case ONB_KILL_OUTPUT: self = .output
        case ONB_KILL_CANCEL: self = .cancelled
        default: return nil
        }
    }
}

/// Pops the value on top as a message, without metamethods (it is host work).
func popErrorMessage(_ L: OpaquePointer) -> String {
    var len = 0
    let message: String
    if lua_type(L, -1) == LUA_TSTRING, let p = clua_tolstring(L, -1, &len) {
        message = String(decoding: UnsafeRawBufferPointer(start: p, count: len), as: UTF8.self)
    } else {
        message = "(error object is a \(String(cString: lua_typename(L, lua_type(L, -1)))) value)"
    }
    clua_pop(L, 1)
    return message
}
