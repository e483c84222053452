/// The sandbox's limits as one policy value. `nil` means unlimited.
///
/// ```swift
/// var limits = LuaLimits.defaults
/// limits.time = .milliseconds(500)
/// limits.memory = 64 << 20
/// ```
///
/// The instruction limit is off by default: counting instructions needs a count hook, which
/// roughly doubles the cost of a tight loop in Lua 5.4 (SANDBOX.md §3.1). The time limit, which
/// costs nothing until it fires, is what stops a runaway script by default.
public struct LuaLimits: Equatable, Sendable {
    public var memory: Int?
    public var instructions: UInt64?
    public var time: Duration?
    public var output: Int?

    public init(memory: Int? = nil, instructions: UInt64? = nil, time: Duration? = nil, output: Int? = nil) {
        self.memory = memory
        self.instructions = instructions
        self.time = time
        self.output = output
    }

    public static let none = LuaLimits()
    public static let defaults = LuaLimits(
        memory: 256 << 20, instructions: nil, time: .seconds(300), output: 16 << 20)
}
