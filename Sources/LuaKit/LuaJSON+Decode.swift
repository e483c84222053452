import CLua
import CLuaShims
import JSONCodec

/// Builds Lua values straight from parser events, with no intermediate tree. Only raw,
/// non-raising Lua calls (the memory cap is lifted during host work and checked after).
struct LuaPushSink: JSONSink {
    let L: OpaquePointer
    let arrayMarker: Int32
    let objectMarker: Int32
    /// When set (the stack index of LuaJSON.Markers.nulls), a JSON null becomes an absent key
    /// or array slot instead of `json.null`, remembered in that table.
    var nullsTable: Int32?
    /// For each open container: the next array index, or -1 for an object.
    private var open: [Int64] = []
    /// For each open container: whether it has a remembered null.
    private var hadNull: [Bool] = []

    init(L: OpaquePointer, arrayMarker: Int32, objectMarker: Int32) {
        self.L = L
        self.arrayMarker = arrayMarker
        self.objectMarker = objectMarker
        open.reserveCapacity(32)
    }

    private func reserve() throws {
        guard lua_checkstack(L, 4) != 0 else {
            throw LuaError(status: .runtime, message: "json.decode: Lua stack overflow")
        }
    }

    /// Stores the value on top into the open container (array slot or object key below it).
    private mutating func stored() {
        guard let last = open.last else { return }
        if last >= 0 {
            open[open.count - 1] = last + 1
            lua_rawseti(L, -2, last + 1)
        } else {
            lua_rawset(L, -3)
        }
    }

    mutating func beginArray() throws {
        try reserve()
        lua_createtable(L, 0, 0)
        open.append(0)
        hadNull.append(false)
    }

    mutating func endArray(count: Int) throws {
        let length = open.removeLast()
        if hadNull.removeLast(), let nullsTable {
            // the length, as holes make the table's own border ambiguous
            lua_pushinteger(L, length)
            remember(in: nullsTable, key: 0)
        }
        lua_pushvalue(L, arrayMarker)
        lua_setmetatable(L, -2)
        stored()
    }

    mutating func beginObject() throws {
        try reserve()
        lua_createtable(L, 0, 0)
        open.append(-1)
        hadNull.append(false)
    }

    mutating func key(_ utf8: UnsafeRawBufferPointer) throws {
        _ = lua_pushlstring(L, utf8.baseAddress?.assumingMemoryBound(to: CChar.self), utf8.count)
    }

    mutating func endObject(count: Int) throws {
        open.removeLast()
        hadNull.removeLast()
        lua_pushvalue(L, objectMarker)
        lua_setmetatable(L, -2)
        stored()
    }

    /// Pops the value on top (a key, or for `key` 0 an array's length) into the null set of the
    /// container below it: nulls[container][key] = true (or [0] = length).
    private func remember(in nullsTable: Int32, key: Int) {
        let value = lua_absindex(L, -1)
        let container = value - 1
        lua_pushvalue(L, container)
        if lua_rawget(L, nullsTable) != LUA_TTABLE {
            clua_pop(L, 1)
            lua_createtable(L, 0, 2)
            lua_pushvalue(L, container)
            lua_pushvalue(L, -2)
            lua_rawset(L, nullsTable)
        }
        if key == 0 {
            lua_pushvalue(L, value)
            lua_rawseti(L, -2, 0)
        } else {
            lua_pushvalue(L, value)
            lua_pushboolean(L, 1)
            lua_rawset(L, -3)
        }
        lua_settop(L, value - 1)
    }

    mutating func string(_ utf8: UnsafeRawBufferPointer) throws {
        _ = lua_pushlstring(L, utf8.baseAddress?.assumingMemoryBound(to: CChar.self), utf8.count)
        stored()
    }

    mutating func integer(_ value: Int64) throws {
        lua_pushinteger(L, value)
        stored()
    }

    mutating func double(_ value: Double) throws {
        lua_pushnumber(L, value)
        stored()
    }

    mutating func bool(_ value: Bool) throws {
        lua_pushboolean(L, value ? 1 : 0)
        stored()
    }

    mutating func null() throws {
        if let nullsTable {
            guard let last = open.last else { lua_pushnil(L); return }
            hadNull[hadNull.count - 1] = true
            if last >= 0 {
                open[open.count - 1] = last + 1 // skip the slot
                lua_pushinteger(L, last + 1)
            }
            // the key (already on the stack for an object) goes into the container's set
            remember(in: nullsTable, key: 1)
            return
        }
        lua_pushlightuserdata(L, nil) // json.null
        stored()
    }
}
