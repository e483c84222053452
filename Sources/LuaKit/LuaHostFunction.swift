/// A Swift closure callable from Lua.
///
/// ```swift
/// let add = LuaHostFunction { args in [.integer(try args.integer(0) + args.integer(1))] }
/// try state.setGlobal("add", .hostFunction(add))
/// ```
///
/// The closure never raises a Lua error itself: whatever it throws is turned into an error
/// value, and the C trampoline raises it after the Swift frames have returned (a longjmp
/// through Swift would skip `defer` and `deinit`).
public final class LuaHostFunction: Hashable {
    public typealias Body = (LuaArguments) throws -> [LuaValue]
    /// A body that pushes its results itself (`args.push`) and returns how many it pushed:
    /// for results that would be wasteful to build as `LuaValue`s first (a decoded document).
    public typealias PushingBody = (LuaArguments) throws -> Int

    /// Every host function, as the dispatcher calls it: push results, return their count.
    let call: PushingBody

    public init(_ body: @escaping Body) {
        self.call = { args in
            let results = try body(args)
            try args.pushResults(results)
            return results.count
        }
    }
    private init(call: @escaping PushingBody) { self.call = call }

    /// A host function that pushes its own results (see `PushingBody`); the fast path.
    public static func pushing(_ body: @escaping PushingBody) -> LuaHostFunction { LuaHostFunction(call: body) }

    public static func == (a: LuaHostFunction, b: LuaHostFunction) -> Bool { a === b }
    public func hash(into h: inout Hasher) { h.combine(ObjectIdentifier(self)) }
}

/// An error a host function throws to raise a specific Lua value (a table with fields, say)
/// instead of a message string.
public struct LuaRaise: Error, @unchecked Sendable {
    public let value: LuaValue
    public init(_ value: LuaValue) { self.value = value }
}
