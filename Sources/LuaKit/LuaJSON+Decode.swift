import CLua
import CLuaShims
import JSONCodec

/// Builds Lua values straight from parser events, with no intermediate tree. Only raw,
/// non-raising Lua calls (the memory cap is lifted during host work and checked after).
struct LuaPushSink: JSONSink {
    let L: OpaquePointer
    let arrayMarker: Int32
    let objectMarker: Int32
    /// JSON null becomes an absent key or array slot instead of `json.null`.
    var nullAsNil = false
    /// For each open container: the next array index, or -1 for an object.
    private var open: [Int64] = []

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
    }

    mutating func endArray(count: Int) throws {
        open.removeLast()
        lua_pushvalue(L, arrayMarker)
        lua_setmetatable(L, -2)
        stored()
    }

    mutating func beginObject() throws {
        try reserve()
        lua_createtable(L, 0, 0)
        open.append(-1)
    }

    mutating func key(_ utf8: UnsafeRawBufferPointer) throws {
        _ = lua_pushlstring(L, utf8.baseAddress?.assumingMemoryBound(to: CChar.self), utf8.count)
    }

    mutating func endObject(count: Int) throws {
        open.removeLast()
        lua_pushvalue(L, objectMarker)
        lua_setmetatable(L, -2)
        stored()
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
        if nullAsNil {
            guard let last = open.last else { lua_pushnil(L); return }
            if last >= 0 { open[open.count - 1] = last + 1 } else { clua_pop(L, 1) } // skip the slot, or drop the key
            return
        }
        lua_pushlightuserdata(L, nil) // json.null
        stored()
    }
}
