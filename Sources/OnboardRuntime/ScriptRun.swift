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
    public var script: ScriptSource?
    public var arguments: [String]
    /// argv entries before the script (`onboard`, `run`, flags): `arg[-n] ... arg[-1]`.
    public var interpreterArguments: [String]
    /// The script's name as given (`arg[0]`); `onboard` when there is no script.
    public var scriptName: String?
    public var limits: LuaLimits
    public var stdlibFolder: String?
    public var output: (UnsafeRawBufferPointer) -> Void

    public init(
        preludes: [ScriptSource] = [], script: ScriptSource?, arguments: [String] = [],
        interpreterArguments: [String] = ["onboard", "run"], scriptName: String? = nil,
        limits: LuaLimits = .defaults, stdlibFolder: String? = StdlibLocator.find(),
        output: @escaping (UnsafeRawBufferPointer) -> Void = LuaState.standardOutput
    ) {
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
        for prelude in preludes {
            try state.execute(prelude.bytes, chunkName: prelude.chunkName)
        }
        guard let script else { return [] }
        return try state.execute(script.bytes, chunkName: script.chunkName,
                                 arguments: arguments.map { .string(LuaString($0)) })
    }

    /// A sandboxed state with the host modules, `require` and `arg` in place.
    public func makeState() throws(LuaError) -> LuaState {
        let state = try LuaState(environment: .sandbox, limits: limits, output: output)
        try HostModules.install(in: state)
        let searcher = ModuleSearcher(scriptFolder: script?.folder ?? ".", stdlibFolder: stdlibFolder)
        try state.setModuleSearcher(notFound: searcher.notFoundMessage) { try searcher.find($0) }
        try state.setGlobal("arg", .table(argTable()))
        return state
    }

    func argTable() -> LuaTable {
        var table = LuaTable()
        let before = scriptName == nil ? Array(interpreterArguments.dropFirst()) : interpreterArguments
        for (i, a) in before.enumerated() {
            table[.integer(Int64(i - before.count))] = .string(LuaString(a))
        }
        table[.integer(0)] = .string(LuaString(scriptName ?? interpreterArguments.first ?? "onboard"))
        table.array = arguments.map { .string(LuaString($0)) }
        return table
    }
}
