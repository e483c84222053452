import CLua
import CLuaShims
import Foundation
import JSONCodec

extension LuaJSON {
    /// json.encode(value [, { indent = n }])
    static func encode(_ args: LuaArguments, _ markers: Markers) throws -> Int {
        let L = args.L
        var indent = 0
        if lua_type(L, 2) == LUA_TTABLE {
            _ = lua_pushstring(L, "indent")
            if lua_rawget(L, 2) == LUA_TNUMBER { indent = Int(clamping: clua_tointeger(L, -1, nil)) }
            clua_pop(L, 1)
        } else if !args.isNil(1) {
            throw args.bad(1, "table of options")
        }
        guard lua_checkstack(L, 8) != 0 else { throw LuaError(status: .runtime, message: "json.encode: Lua stack overflow") }
        let value = Int32(1)
        if args.count == 0 { lua_pushnil(L) }
        var encoder = LuaJSONEncoder(L: L, markers: markers.push(L), indent: min(max(indent, 0), 16))
        do {
            try encoder.encode(at: value)
        } catch {
            let at = error.path.isEmpty ? "" : " at " + error.pathText
            throw LuaError(status: .runtime, message: "json.encode: \(error.message)\(at)")
        }
        encoder.writer.bytes.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
        return 1
    }
}

/// Why a value could not be encoded, and where (`$.signers[2].info`).
struct JSONEncodeFailure: Error {
    enum Component { case index(Int64), key(String) }
    var message: String
    var path: [Component] = []

    var pathText: String {
        path.reduce("$") { text, c in
            switch c {
            case .index(let i): text + "[\(i)]"
            case .key(let k): text + "." + k
            }
        }
    }
}

/// Walks a Lua value with raw access only (no `__index`, `__pairs` or `__tostring`), writing JSON.
struct LuaJSONEncoder {
    static let maxDepth = 1000
    let L: OpaquePointer
    let arrayMarker: Int32
    let objectMarker: Int32
    /// LuaJSON.Markers.nulls: the keys decoded tables had as null are written as null.
    let nullsTable: Int32
    var writer: JSONWriter
    /// Output larger than this fails with `tooLarge` (host work done for a script is held to
    /// the script's memory limit).
    var maxBytes = Int.max
    private(set) var tooLarge = false
    private var visiting: [UnsafeRawPointer] = []

    /// `markers`: the base that `LuaJSON.Markers.push` returned.
    init(L: OpaquePointer, markers base: Int32, indent: Int) {
        self.L = L
        self.arrayMarker = base + 1
        self.objectMarker = base + 2
        self.nullsTable = base + 3
        self.writer = JSONWriter(indent: indent)
    }

    /// Pushes the set of keys that were null in the JSON the table at `index` came from, and
    /// says whether there is one (nothing is pushed when there is not).
    private func pushNulls(of index: Int32) -> Bool {
        lua_pushvalue(L, index)
        if lua_rawget(L, nullsTable) == LUA_TTABLE { return true }
        clua_pop(L, 1)
        return false
    }

    mutating func encode(at index: Int32) throws(JSONEncodeFailure) {
        if writer.bytes.count > maxBytes {
            tooLarge = true
            throw JSONEncodeFailure(message: "memory limit exceeded")
        }
        let index = lua_absindex(L, index)
        switch lua_type(L, index) {
        case LUA_TNIL: writer.null()
        case LUA_TBOOLEAN: writer.bool(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(L, index) != 0 {
                writer.integer(clua_tointeger(L, index, nil))
            } else {
                do { try writer.double(clua_tonumber(L, index, nil)) } catch {
                    throw JSONEncodeFailure(message: "cannot encode NaN or infinity")
                }
            }
        case LUA_TSTRING:
            var len = 0
            let p = clua_tolstring(L, index, &len)
            do { try writer.string(UnsafeRawBufferPointer(start: p, count: len)) } catch {
                throw JSONEncodeFailure(message: (error as? JSONError)?.message ?? "\(error)")
            }
        case LUA_TLIGHTUSERDATA where lua_touserdata(L, index) == nil:
            writer.null()
        case LUA_TTABLE:
            try table(at: index)
        default:
            throw JSONEncodeFailure(message: "cannot encode a \(String(cString: lua_typename(L, lua_type(L, index)))) value")
        }
    }

    private enum Shape { case array(Int64), object }

    private mutating func table(at index: Int32) throws(JSONEncodeFailure) {
        guard visiting.count < Self.maxDepth else { throw JSONEncodeFailure(message: "nesting deeper than \(Self.maxDepth)") }
        guard let id = lua_topointer(L, index) else { return }
        if visiting.contains(id) { throw JSONEncodeFailure(message: "cannot encode a table that contains itself (a cycle)") }
        guard lua_checkstack(L, 10) != 0 else { throw JSONEncodeFailure(message: "Lua stack overflow") }
        visiting.append(id)
        defer { visiting.removeLast() }
        switch try shape(at: index) {
        case .array(let count): try array(at: index, count: count)
        case .object: try object(at: index)
        }
    }

    private func shape(at index: Int32) throws(JSONEncodeFailure) -> Shape {
        if lua_getmetatable(L, index) != 0 {
            defer { clua_pop(L, 1) }
            if lua_rawequal(L, -1, arrayMarker) != 0 {
                var count = Int64(lua_rawlen(L, index))
                if pushNulls(of: index) {
                    // a decoded array with null slots: its JSON length, as holes blur the border
                    if lua_rawgeti(L, -1, 0) == LUA_TNUMBER { count = max(count, clua_tointeger(L, -1, nil)) }
                    clua_pop(L, 2)
                }
                return .array(count)
            }
            if lua_rawequal(L, -1, objectMarker) != 0 { return .object }
        }
        var count: Int64 = 0, maxIndex: Int64 = 0
        var strings = 0, integers = 0
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            count += 1
            if lua_type(L, -2) == LUA_TSTRING {
                strings += 1
            } else if lua_isinteger(L, -2) != 0, case let i = clua_tointeger(L, -2, nil), i >= 1 {
                integers += 1
                maxIndex = max(maxIndex, i)
            }
            clua_pop(L, 1)
        }
        if count == 0 || strings == count { return .object }
        if integers == count && maxIndex == count { return .array(count) }
        throw JSONEncodeFailure(message: "cannot encode a table with mixed or sparse keys (use string keys, a sequence 1..n, or mark it with json.array / json.object)")
    }

    private mutating func array(at index: Int32, count: Int64) throws(JSONEncodeFailure) {
        writer.beginArray()
        var i: Int64 = 1
        while i <= count {
            lua_rawgeti(L, index, i)
            do { try encode(at: -1) } catch {
                var e = error
                e.path.insert(.index(i), at: 0)
                clua_pop(L, 1)
                throw e
            }
            clua_pop(L, 1)
            i += 1
        }
        writer.endArray()
    }

    private mutating func object(at index: Int32) throws(JSONEncodeFailure) {
        // Keys stay alive in the table, so their bytes can be sorted in place.
        var keys: [UnsafeRawBufferPointer] = []
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            clua_pop(L, 1)
            guard lua_type(L, -1) == LUA_TSTRING else {
                clua_pop(L, 1)
                throw JSONEncodeFailure(message: "object keys must be strings")
            }
            var len = 0
            let p = clua_tolstring(L, -1, &len)
            keys.append(UnsafeRawBufferPointer(start: p, count: len))
        }
        // keys that were null where the table came from and are still absent: alive in the set,
        // which stays on the stack until the object is written
        let hasNulls = pushNulls(of: index)
        if hasNulls {
            let set = lua_gettop(L)
            lua_pushnil(L)
            while lua_next(L, set) != 0 {
                clua_pop(L, 1)
                guard lua_type(L, -1) == LUA_TSTRING else { continue }
                lua_pushvalue(L, -1)
                let absent = lua_rawget(L, index) == LUA_TNIL
                clua_pop(L, 1)
                if absent {
                    var len = 0
                    let p = clua_tolstring(L, -1, &len)
                    keys.append(UnsafeRawBufferPointer(start: p, count: len))
                }
            }
        }
        defer { if hasNulls { clua_pop(L, 1) } }
        keys.sort { a, b in
            let n = min(a.count, b.count)
            let c = n == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, n)
            return c != 0 ? c < 0 : a.count < b.count
        }
        writer.beginObject()
        for key in keys {
            do { try writer.key(key) } catch {
                throw JSONEncodeFailure(message: "invalid UTF-8 in an object key")
            }
            _ = lua_pushlstring(L, key.baseAddress?.assumingMemoryBound(to: CChar.self), key.count)
            lua_rawget(L, index)
            do { try encode(at: -1) } catch {
                var e = error
                e.path.insert(.key(String(decoding: key, as: UTF8.self)), at: 0)
                clua_pop(L, 1)
                throw e
            }
            clua_pop(L, 1)
        }
        writer.endObject()
    }
}
