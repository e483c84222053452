import JSONCodec
import LuaKit

/// One run of a flow script, like `lua FILE ARGS...`: a fresh sandboxed state, the `arg` table
/// as lua.c builds it, `-e` chunks first, then the script with its arguments as `...`.
///
/// ```swift
/// let run = ScriptRun(script: try .file("examples/hello.lua"), arguments: ["Kelly"])
/// try LuaThread.run { try run.execute() }
/// ```
public struct ScriptRun {
    public var preludes: [ScriptSource]
    /// Run after the script, in its state (`onboard test` reports its tests from one).
    public var postludes: [ScriptSource] = []
    /// `onboard test`: the state gets the host function stdlib/test.lua's `run_flow` reads flow
    /// files with (`ModuleSource.find("flow:PATH")`).
    public var testing = false
    public var script: ScriptSource?
    public var arguments: [String]
    /// A batch row: the script's first argument, as a table (`local row = ...`), before `arguments`.
    public var row: JSONValue?
    /// argv entries before the script (`onboard`, `run`, flags): `arg[-n] ... arg[-1]`.
    public var interpreterArguments: [String]
    /// The script's name as given (`arg[0]`); `onboard` when there is no script.
    public var scriptName: String?
    public var limits: LuaLimits
    public var stdlibFolder: String?
    public var output: (UnsafeRawBufferPointer) -> Void
    /// The backend the `yousign` module talks to; without one, scripts get no `yousign`.
    public var host: (any FlowEffects)?
    /// Where `require` finds modules; nil: the files beside the script, then `stdlibFolder`.
    public var modules: (any ModuleSource)?

    public init(
        preludes: [ScriptSource] = [], script: ScriptSource?, arguments: [String] = [],
        interpreterArguments: [String] = ["onboard", "run"], scriptName: String? = nil,
        limits: LuaLimits = .defaults, stdlibFolder: String? = StdlibLocator.find(),
        output: @escaping (UnsafeRawBufferPointer) -> Void = LuaState.standardOutput, host: (any FlowEffects)? = nil
    ) {
        self.host = host
        self.preludes = preludes
        self.script = script
        self.arguments = arguments
        self.interpreterArguments = interpreterArguments
        self.scriptName = scriptName
        self.limits = limits
        self.stdlibFolder = stdlibFolder
        self.output = output
    }

    /// Runs everything on the calling thread (use `LuaThread`) and returns the script's results.
    @discardableResult
    public func execute() throws(LuaError) -> [LuaValue] {
        let state = try makeState()
        defer { state.close() }
        return try execute(in: state)
    }

    /// Runs the preludes and the script in `state`, made by `makeState` (the worker locks
    /// itself down in between).
    @discardableResult
    public func execute(in state: LuaState) throws(LuaError) -> [LuaValue] {
        for prelude in preludes {
            try state.execute(prelude.bytes, chunkName: prelude.chunkName)
        }
        guard let script else { return [] }
        let strings = arguments.map { LuaValue.string(LuaString($0)) }
        let results = try state.execute(script.bytes, chunkName: script.chunkName,
                                        arguments: (row.map { [LuaValue(json: $0)] } ?? []) + strings)
        for postlude in postludes {
            try state.execute(postlude.bytes, chunkName: postlude.chunkName)
        }
        return results
    }

    /// A sandboxed state with the host modules, `require` and `arg` in place.
    public func makeState() throws(LuaError) -> LuaState {
        let state = try LuaState(environment: .sandbox, limits: limits, hiddenChunkPrefixes: [StdlibLocator.chunkPrefix],
                                 output: output)
        try HostModules.install(in: state)
        let searcher = modules ?? ModuleSearcher(scriptFolder: script?.folder ?? ".", stdlibFolder: stdlibFolder)
        try state.setModuleSearcher(notFound: searcher.notFoundMessage) { try searcher.find($0) }
        if testing {
            // run_flow(path): a flow's source, found as the searcher finds modules (in a worker,
            // by the parent), or nil and why
            try state.setGlobal("__onboard_flow_source", .hostFunction(.pushing { args in
                let path = try args.string(0)
                do {
                    guard let (source, chunk) = try searcher.find(ModuleSearcher.flowPrefix + path) else {
                        try args.push(.nil)
                        try args.push(.string(LuaString("no flow file \(path)")))
                        return 2
                    }
                    try args.push(.string(LuaString(source)))
                    try args.push(.string(LuaString(chunk)))
                    return 2
                } catch {
                    try args.push(.nil)
                    try args.push(.string(LuaString("\(error)")))
                    return 2
                }
            }))
        }
        if let host {
            try EnvModule.install(in: state, host: host)
            try YousignModule.install(in: state, host: host, stdlibFolder: stdlibFolder)
        }
        try state.setGlobal("arg", .table(argTable()))
        return state
    }

    /// lua.c's layout: the script at 0, its arguments at 1...n, everything before it at
    /// negative indexes; with no script, the program name at 0 and every other word after it.
    func argTable() -> LuaTable {
        var table = LuaTable()
        guard let scriptName else {
            table[.integer(0)] = .string(LuaString(interpreterArguments.first ?? "onboard"))
            table.array = (interpreterArguments.dropFirst() + arguments).map { .string(LuaString($0)) }
            return table
        }
        for (i, a) in interpreterArguments.enumerated() {
            table[.integer(Int64(i - interpreterArguments.count))] = .string(LuaString(a))
        }
        table[.integer(0)] = .string(LuaString(scriptName))
        table.array = arguments.map { .string(LuaString($0)) }
        return table
    }
}
