import CLua
import CLuaShims

/// The arguments of a host function call, read lazily from the Lua stack.
///
/// Indexes are 0-based: `args.integer(0)` is the first argument. Type errors read like Lua's
/// own: `bad argument #1 to 'add' (integer expected, got string)`.
public struct LuaArguments {
    /// The Lua thread that made the call (the main state or a coroutine).
    @usableFromInline let L: OpaquePointer
    /// Unowned: arguments live only during the call, while the state is certainly alive.
    unowned(unsafe) let state: LuaState
    public let count: Int

    init(L: OpaquePointer, state: LuaState, count: Int32) {
        self.L = L
        self.state = state
        self.count = Int(count)
    }

    /// The argument converted to a Swift value (`.nil` past the end).
    public func value(_ i: Int) throws(LuaError) -> LuaValue {
        guard i < count else { return .nil }
        return try state.value(at: Int32(i + 1), on: L)
    }

    /// All arguments.
    public func values() throws(LuaError) -> [LuaValue] {
        var result: [LuaValue] = []
        result.reserveCapacity(count)
        for i in 0..<count { result.append(try value(i)) }
        return result
    }

    public func type(_ i: Int) -> String {
        String(cString: lua_typename(L, lua_type(L, Int32(i + 1))))
    }

    public func isNil(_ i: Int) -> Bool { i >= count || lua_type(L, Int32(i + 1)) == LUA_TNIL }

    /// An integer argument; as in Lua's own luaL_checkinteger, a float with an integral value
    /// and a string that reads as one count.
    @inlinable
    public func integer(_ i: Int) throws(LuaError) -> Int64 {
        var ok: Int32 = 0
        let v = lua_tointegerx(L, Int32(truncatingIfNeeded: i + 1), &ok)
        guard ok != 0 else { throw bad(i, "integer") }
        return v
    }

    /// A number argument (a numeric string counts, as in luaL_checknumber).
    public func number(_ i: Int) throws(LuaError) -> Double {
        var ok: Int32 = 0
        let v = clua_tonumber(L, Int32(i + 1), &ok)
        guard ok != 0 else { throw bad(i, "number") }
        return v
    }

    public func boolean(_ i: Int) -> Bool { lua_toboolean(L, Int32(i + 1)) != 0 }

    /// The raw bytes of a string argument, valid only inside `body`.
    public func withBytes<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard lua_type(L, Int32(i + 1)) == LUA_TSTRING else { throw bad(i, "string") }
        var len = 0
        let p = clua_tolstring(L, Int32(i + 1), &len)
        return try body(UnsafeRawBufferPointer(start: p, count: len))
    }

    public func bytes(_ i: Int) throws(LuaError) -> [UInt8] {
        guard lua_type(L, Int32(i + 1)) == LUA_TSTRING else { throw bad(i, "string") }
        var len = 0
        let p = clua_tolstring(L, Int32(i + 1), &len)
        return [UInt8](UnsafeRawBufferPointer(start: p, count: len))
    }

    public func string(_ i: Int) throws(LuaError) -> String {
        String(decoding: try bytes(i), as: UTF8.self)
    }

    /// Pushes a result (for `LuaHostFunction.pushing`).
    public func push(_ value: LuaValue) throws(LuaError) { try state.push(value, on: L) }

    // Scalar pushes that compile to one C call in the caller: the fast path for hot host functions.
    @inlinable public func push(integer: Int64) { lua_pushinteger(L, integer) }
    @inlinable public func push(number: Double) { lua_pushnumber(L, number) }
    @inlinable public func push(boolean: Bool) { lua_pushboolean(L, boolean ? 1 : 0) }

    func pushResults(_ results: [LuaValue]) throws(LuaError) {
        guard lua_checkstack(L, Int32(clamping: results.count + 2)) != 0 else {
            throw LuaError(status: .runtime, message: "too many results from a host function")
        }
        for r in results { try state.push(r, on: L) }
    }

    public func bad(_ i: Int, _ expected: String) -> LuaError {
        LuaError(status: .runtime, message: "bad argument #\(i + 1) (\(expected) expected, got \(i < count ? type(i) : "no value"))")
    }
}
