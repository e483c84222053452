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

    enum Kind {
        case values(Body)
        case pushing(PushingBody)
    }
    let kind: Kind

    public init(_ body: @escaping Body) { self.kind = .values(body) }
    private init(kind: Kind) { self.kind = kind }

    /// A host function that pushes its own results (see `PushingBody`).
    public static func pushing(_ body: @escaping PushingBody) -> LuaHostFunction { LuaHostFunction(kind: .pushing(body)) }

    public static func == (a: LuaHostFunction, b: LuaHostFunction) -> Bool { a === b }
    public func hash(into h: inout Hasher) { h.combine(ObjectIdentifier(self)) }
}

/// An error a host function throws to raise a specific Lua value (a table with fields, say)
/// instead of a message string.
public struct LuaRaise: Error, @unchecked Sendable {
    public let value: LuaValue
    public init(_ value: LuaValue) { self.value = value }
}
