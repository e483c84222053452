import ArgumentParser
import LuaKit
import OnboardRuntime

/// The sandbox limits, shared by every command that runs Lua.
struct LimitOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Memory the script may allocate, like 64MB (default 256MB; 'none' for no limit).", valueName: "size"))
    var memoryLimit: String?

    @Option(help: ArgumentHelp("Lua instructions the script may run, like 1e9 (default none: counting costs about 2x speed).", valueName: "count"))
    var instructionLimit: String?

    @Option(help: ArgumentHelp("Wall-clock time the script may take, like 500ms, 30s or 2m (default 5m).", valueName: "duration"))
    var timeLimit: String?

    @Option(help: ArgumentHelp("Bytes the script may print, like 64KB (default 16MB).", valueName: "size"))
    var outputLimit: String?

    func limits() throws -> LuaLimits {
        var limits = LuaLimits.defaults
        do {
            if let memoryLimit { limits.memory = try LuaLimits.parseSize(memoryLimit) }
            if let instructionLimit { limits.instructions = try LuaLimits.parseCount(instructionLimit) }
            if let timeLimit { limits.time = try LuaLimits.parseDuration(timeLimit) }
            if let outputLimit { limits.output = try LuaLimits.parseSize(outputLimit) }
        } catch {
            throw ValidationError(error.description)
        }
        return limits
    }

    func validate() throws { _ = try limits() }
}
