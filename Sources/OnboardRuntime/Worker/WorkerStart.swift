import JSONCodec
import LuaKit

/// What the parent tells a worker to run: the `ScriptRun` minus its effects, which stay in the
/// parent.
struct WorkerStart {
    var preludes: [ScriptSource]
    var postludes: [ScriptSource] = []
    var testing = false
    var script: ScriptSource?
    var arguments: [String]
    /// A batch row, the script's first argument.
    var row: JSONValue?
    var interpreterArguments: [String]
    var scriptName: String?
    var limits: LuaLimits
    var stdlibFolder: String?
    var backendSummary: String
    var hasEmulator: Bool
    /// Both kernel layers or no run (`ONBOARD_REQUIRE_KERNEL_SANDBOX=1` in the parent).
    var requireKernelSandbox = KernelSandbox.requiredByEnvironment
    /// A worker of a pool (`onboard batch`): after `done` it waits for the next `start`, and
    /// runs it in a fresh state.
    var pooled = false

    /// The `start` message (`repl` for a REPL session).
    func encode(op: WorkerOp = .start) -> (JSONValue, [UInt8]) {
        var blob: [UInt8] = []
        func source(_ s: ScriptSource) -> JSONValue {
            blob += s.bytes
            return ["chunk": .string(s.chunkName), "folder": .string(s.folder), "length": .integer(Int64(s.bytes.count))]
        }
        var header: [String: JSONValue] = [
            "op": op.json,
            "preludes": .array(preludes.map(source)),
            "arguments": .array(arguments.map { .string($0) }),
            "interpreter_arguments": .array(interpreterArguments.map { .string($0) }),
            "backend": .string(backendSummary), "has_emulator": .bool(hasEmulator),
            "limits": .object([
                "memory": limits.memory.map { .integer(Int64($0)) } ?? .null,
                "instructions": limits.instructions.map { .integer(Int64(clamping: $0)) } ?? .null,
                "time_ns": limits.time.map { .integer(Int64(clamping: $0.components.seconds) * 1_000_000_000 + $0.components.attoseconds / 1_000_000_000) } ?? .null,
                "output": limits.output.map { .integer(Int64($0)) } ?? .null,
            ]),
        ]
        if let script { header["script"] = source(script) }
        if !postludes.isEmpty { header["postludes"] = .array(postludes.map(source)) }
        if testing { header["testing"] = true }
        if let row { header["row"] = row }
        if let scriptName { header["script_name"] = .string(scriptName) }
        if let stdlibFolder { header["stdlib"] = .string(stdlibFolder) }
        if requireKernelSandbox { header["require_kernel_sandbox"] = true }
        if pooled { header["pooled"] = true }
        return (.object(header), blob)
    }

    static func decode(_ h: JSONValue, _ blob: [UInt8]) throws(WorkerWire.Failure) -> WorkerStart {
        var offset = 0
        func source(_ v: JSONValue) throws(WorkerWire.Failure) -> ScriptSource {
            guard let chunk = v["chunk"]?.stringValue, let folder = v["folder"]?.stringValue, let length = v["length"]?.intValue,
                  length >= 0, offset + Int(length) <= blob.count else { throw WorkerMessages.bad("start") }
            defer { offset += Int(length) }
            return ScriptSource(bytes: Array(blob[offset..<offset + Int(length)]), chunkName: chunk, folder: folder)
        }
        let preludes = try (h["preludes"]?.arrayValue ?? []).map { v throws(WorkerWire.Failure) in try source(v) }
        let script = try h["script"].map { v throws(WorkerWire.Failure) in try source(v) }
        let postludes = try (h["postludes"]?.arrayValue ?? []).map { v throws(WorkerWire.Failure) in try source(v) }
        let l = h["limits"]
        let limits = LuaLimits(
            memory: l?["memory"]?.intValue.map { Int($0) }, instructions: l?["instructions"]?.intValue.map { UInt64($0) },
            time: l?["time_ns"]?.intValue.map { Duration.nanoseconds($0) }, output: l?["output"]?.intValue.map { Int($0) })
        var start = WorkerStart(
            preludes: preludes, script: script, arguments: (h["arguments"]?.arrayValue ?? []).compactMap(\.stringValue),
            interpreterArguments: (h["interpreter_arguments"]?.arrayValue ?? []).compactMap(\.stringValue),
            scriptName: h["script_name"]?.stringValue, limits: limits, stdlibFolder: h["stdlib"]?.stringValue,
            backendSummary: h["backend"]?.stringValue ?? "", hasEmulator: h["has_emulator"]?.boolValue ?? false)
        start.requireKernelSandbox = h["require_kernel_sandbox"]?.boolValue ?? false
        start.row = h["row"]
        start.pooled = h["pooled"]?.boolValue ?? false
        start.postludes = postludes
        start.testing = h["testing"]?.boolValue ?? false
        return start
    }
}
