import CLua
import CLuaShims

/// Moving values between Swift and the Lua stack. Every function here uses only Lua API calls
/// that cannot raise (raw access, no metamethods); allocation happens while the memory cap is
/// lifted (host work), so nothing here can longjmp through Swift.
extension LuaState {
    /// Deepest table nesting converted to Swift.
    public static let maxConversionDepth = 200

    /// Pushes a value on the stack of `L` (this state or one of its coroutines).
    /// Scalars need no stack check: callers reserve room for what they push (a host call has
    /// LUA_MINSTACK free slots and checks room for its results); tables check their own.
    func push(_ value: LuaValue, on L: OpaquePointer) throws(LuaError) {
        switch value {
        case .nil: lua_pushnil(L)
        case .boolean(let b): lua_pushboolean(L, b ? 1 : 0)
        case .integer(let i): lua_pushinteger(L, i)
        case .number(let d): lua_pushnumber(L, d)
        case .string(let s): s.bytes.withUnsafeBufferPointer { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
        case .table(let t): try push(t, on: L)
        case .hostFunction(let f): onb_push_host_function(L, Unmanaged.passRetained(f).toOpaque())
        case .function(let r), .userdata(let r), .thread(let r):
            guard r.registry === references else {
                throw LuaError(status: .runtime, message: "a Lua reference from another state cannot be used here")
            }
            lua_rawgeti(L, clua_registryindex(), lua_Integer(r.ref))
        case .lightUserdata(let p): lua_pushlightuserdata(L, p)
        }
    }

    /// A value nested anywhere inside that cannot be pushed (a function of another state)
    /// leaves the stack as it was: the half-built tables are dropped.
    private func push(_ table: LuaTable, on L: OpaquePointer) throws(LuaError) {
        let base = lua_gettop(L)
        do {
            try pushFields(table, on: L)
        } catch {
            lua_settop(L, base)
            throw error
        }
    }

    private func pushFields(_ table: LuaTable, on L: OpaquePointer) throws(LuaError) {
        guard lua_checkstack(L, 4) != 0 else { throw LuaError(status: .runtime, message: "Lua stack overflow") }
        lua_createtable(L, Int32(clamping: table.array.count), Int32(clamping: table.fields.count))
        for (i, v) in table.array.enumerated() {
            try push(v, on: L)
            lua_rawseti(L, -2, lua_Integer(i + 1))
        }
        for (k, v) in table.fields {
            if k.isNil { continue }
            if case .number(let d) = k, d.isNaN { continue }
            try push(k, on: L)
            try push(v, on: L)
            lua_rawset(L, -3)
        }
    }

    /// Reads the value at `index` of `L` into Swift. Tables are copied (raw, ignoring
    /// metatables); a cycle is an error rather than endless recursion.
    func value(at index: Int32, on L: OpaquePointer) throws(LuaError) -> LuaValue {
        var path: [UnsafeRawPointer] = []
        return try value(at: lua_absindex(L, index), on: L, path: &path)
    }

    private func value(at index: Int32, on L: OpaquePointer, path: inout [UnsafeRawPointer]) throws(LuaError) -> LuaValue {
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE: return .nil
        case LUA_TBOOLEAN: return .boolean(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(L, index) != 0 { return .integer(clua_tointeger(L, index, nil)) }
            return .number(clua_tonumber(L, index, nil))
        case LUA_TSTRING:
            var len = 0
            let p = clua_tolstring(L, index, &len)
            return .string(LuaString([UInt8](UnsafeRawBufferPointer(start: p, count: len))))
        case LUA_TTABLE: return .table(try table(at: index, on: L, path: &path))
        case LUA_TFUNCTION: return .function(reference(at: index, on: L))
        case LUA_TUSERDATA: return .userdata(reference(at: index, on: L))
        case LUA_TTHREAD: return .thread(reference(at: index, on: L))
        case LUA_TLIGHTUSERDATA: return .lightUserdata(lua_touserdata(L, index))
        default: return .nil
        }
    }

    private func table(at index: Int32, on L: OpaquePointer, path: inout [UnsafeRawPointer]) throws(LuaError) -> LuaTable {
        let index = lua_absindex(L, index)
        guard let id = lua_topointer(L, index) else { return LuaTable() }
        if path.contains(id) { throw LuaError(status: .runtime, message: "cannot convert a table that contains itself (a cycle)") }
        if path.count >= LuaState.maxConversionDepth {
            throw LuaError(status: .runtime, message: "table nesting deeper than \(LuaState.maxConversionDepth)")
        }
        guard lua_checkstack(L, 4) != 0 else { throw LuaError(status: .runtime, message: "Lua stack overflow") }
        path.append(id)
        defer { path.removeLast() }
        var pairs: [(LuaValue, LuaValue)] = []
        var failure: LuaError?
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            do {
                let key = try value(at: -2, on: L, path: &path)
                let v = try value(at: -1, on: L, path: &path)
                pairs.append((key, v))
            } catch {
                failure = error
                clua_pop(L, 2)
                break
            }
            clua_pop(L, 1)
        }
        if let failure { throw failure }
        var result = LuaTable()
        let count = Int(lua_rawlen(L, index))
        result.array.reserveCapacity(count)
        var bySlot = [LuaValue?](repeating: nil, count: count)
        for (k, v) in pairs {
            if case .integer(let i) = k, i >= 1, i <= count { bySlot[Int(i - 1)] = v } else { result.fields[k] = v }
        }
        // the border lua_rawlen found may leave holes: keep the prefix without holes as the array
        var end = 0
        while end < count, let v = bySlot[end] { result.array.append(v); end += 1 }
        for i in end..<count { if let v = bySlot[i] { result.fields[LuaValue.integer(Int64(i + 1))] = v } }
        return result
    }

    private func reference(at index: Int32, on L: OpaquePointer) -> LuaReference {
        lua_pushvalue(L, index)
        let ref = luaL_ref(L, clua_registryindex())
        return LuaReference(ref: ref, registry: references)
    }

    // MARK: globals

    /// Sets a global of the script environment (raw: no `__newindex`).
    public func setGlobal(_ name: String, _ value: LuaValue) throws(LuaError) {
        drainReferences()
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        lua_rawgeti(L, clua_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        _ = name.withCString { lua_pushstring(L, $0) }
        try push(value, on: L)
        lua_rawset(L, -3)
    }

    /// Reads a global (raw).
    public func global(_ name: String) throws(LuaError) -> LuaValue {
        drainReferences()
        lua_rawgeti(L, clua_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        _ = name.withCString { lua_pushstring(L, $0) }
        lua_rawget(L, -2)
        defer { clua_pop(L, 2) }
        return try value(at: -1, on: L)
    }

    /// Sets a global to a read-only proxy of `table` (SANDBOX.md §4.6): scripts can read it but
    /// not change it, not even with `rawset`.
    public func setProtectedGlobal(_ name: String, _ table: LuaTable) throws(LuaError) {
        drainReferences()
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        lua_rawgeti(L, clua_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        _ = name.withCString { lua_pushstring(L, $0) }
        try push(.table(table), on: L)
        if onb_protect_top(L) != LUA_OK { throw LuaError(status: .runtime, message: popErrorMessage(L)) }
        lua_rawset(L, -3)
    }

    /// The number of values on the main stack; public calls leave it unchanged.
    public var stackTop: Int32 { lua_gettop(L) }
}
