import CLua
import CLuaShims
import JSONCodec

/// The `json` module scripts get (`require("json")`, also a global), on the same codec the host
/// uses (`JSONCodec`).
///
/// ```lua
/// local json = require("json")
/// local doc = json.decode('{"id": 9007199254740993, "tags": [], "note": null}')
/// assert(math.type(doc.id) == "integer" and doc.note == json.null)
/// print(json.encode(doc))                      --> {"id":9007199254740993,"note":null,"tags":[]}
/// print(json.encode({ a = json.array{} }, { indent = 2 }))
/// ```
///
/// Integers stay exact over the whole int64 range; floats round-trip (and `3.0` stays a float);
/// `json.null` is a sentinel; decoded arrays and objects carry a marker metatable, so an empty
/// `[]` and `{}` survive a round trip, and `json.array{}` / `json.object{}` mark tables made by
/// hand. An unmarked empty table encodes as `{}`. Object keys are written in sorted order.
///
/// API results (`pushDecoded(nullAsNil:)`) read a JSON null as nil, so `if sr.reason then`
/// works as in any Lua code, but the table remembers which keys were null (a weak registry
/// table, never a visible key): `json.encode` writes them back as null and `json.nulls(t)` lists
/// the ones still absent, which `inspect` and the REPL print as `null`. A key the script sets
/// afterwards simply wins.
public enum LuaJSON {
    /// Installs `json` as a preloaded module and a global.
    public static func install(in state: LuaState) throws(LuaError) {
        let markers = state.jsonMarkers
        let module: LuaValue = [
            "encode": .hostFunction(LuaHostFunction.pushing({ args in try encode(args, markers) })),
            "decode": .hostFunction(LuaHostFunction.pushing({ args in try decode(args, markers) })),
            "array": .hostFunction(LuaHostFunction.pushing({ args in try mark(args, markers, array: true) })),
            "object": .hostFunction(LuaHostFunction.pushing({ args in try mark(args, markers, array: false) })),
            "nulls": .hostFunction(LuaHostFunction.pushing({ args in try nulls(args, markers) })),
            "null": .lightUserdata(nil),
        ]
        try state.preload("json", module)
        try state.execute("json = require('json')", chunkName: "=json")
    }

    /// Pushes a JSON document as Lua values, for a host function's result: the same tables
    /// `json.decode` makes (integers stay integers, arrays and objects marked), except that with
    /// `nullAsNil` a JSON null is left out instead of becoming `json.null`. Returns 1.
    public static func pushDecoded(_ bytes: [UInt8], _ args: LuaArguments, nullAsNil: Bool) throws(LuaError) -> Int {
        let L = args.L
        let markers = args.state.jsonMarkers
        guard lua_checkstack(L, 8) != 0 else { throw LuaError(status: .runtime, message: "JSON result: Lua stack overflow") }
        let base = markers.push(L)
        let top = lua_gettop(L)
        var sink = LuaPushSink(L: L, arrayMarker: base + 1, objectMarker: base + 2)
        if nullAsNil { sink.nullsTable = base + 3 }
        do {
            try bytes.withUnsafeBytes { buffer in try JSONParser.parse(buffer, into: &sink) }
        } catch let error as LuaError {
            lua_settop(L, base)
            throw error
        } catch {
            lua_settop(L, base)
            throw LuaError(status: .runtime, message: "the response is not valid JSON: \(error)")
        }
        if lua_gettop(L) == top { lua_pushnil(L) } // a top-level null
        lua_rotate(L, base + 1, 1) // the value below the markers
        lua_settop(L, base + 1)
        return 1
    }

    /// Encodes argument `i` of a host function as JSON (sorted keys, json.null, json.array and
    /// json.object honoured), as `json.encode` would; errors name where in the value it failed.
    public static func encodeArgument(_ args: LuaArguments, _ i: Int) throws(LuaError) -> [UInt8] {
        let L = args.L
        let markers = args.state.jsonMarkers
        guard lua_checkstack(L, 8) != 0 else { throw LuaError(status: .runtime, message: "JSON body: Lua stack overflow") }
        let base = markers.push(L)
        defer { lua_settop(L, base) }
        var encoder = LuaJSONEncoder(L: L, markers: base, indent: 0)
        // the body is built outside the allocator's cap: hold it to what the cap leaves
        if let limit = args.state.limits.memory {
            encoder.maxBytes = max(0, limit - args.state.memoryUsed)
        }
        do {
            try encoder.encode(at: Int32(i + 1))
        } catch where encoder.tooLarge {
            args.state.context.kill(.memory)
            throw LuaError(status: .limit(.memory), message: "memory limit exceeded")
        } catch {
            let at = error.path.isEmpty ? "" : " at " + error.pathText
            throw LuaError(status: .runtime, message: "\(error.message)\(at)")
        }
        return encoder.writer.bytes
    }

    /// The marker metatables of decoded arrays and objects, held in the registry. Their
    /// `__metatable` field keeps scripts from reading or replacing them.
    final class Markers {
        let array: LuaReference
        let object: LuaReference
        /// Weak-keyed: a decoded table -> the set of its keys that were JSON null (and, at 0,
        /// the length of an array with null slots).
        let nulls: LuaReference

        init(state: LuaState) {
            array = Markers.make(state, "json.array")
            object = Markers.make(state, "json.object")
            let L = state.L
            lua_createtable(L, 0, 0)
            lua_createtable(L, 0, 1)
            _ = lua_pushstring(L, "__mode")
            _ = lua_pushstring(L, "k")
            lua_rawset(L, -3)
            lua_setmetatable(L, -2)
            nulls = LuaReference(ref: luaL_ref(L, clua_registryindex()), registry: state.references)
        }

        /// Pushes the array marker, the object marker and the nulls table (at base+1...base+3)
        /// and returns base, the top before. The caller has checked the stack.
        func push(_ L: OpaquePointer) -> Int32 {
            let base = lua_gettop(L)
            lua_rawgeti(L, clua_registryindex(), lua_Integer(array.ref))
            lua_rawgeti(L, clua_registryindex(), lua_Integer(object.ref))
            lua_rawgeti(L, clua_registryindex(), lua_Integer(nulls.ref))
            return base
        }

        private static func make(_ state: LuaState, _ name: String) -> LuaReference {
            let L = state.L
            lua_createtable(L, 0, 1)
            _ = lua_pushstring(L, "__metatable")
            _ = name.withCString { lua_pushstring(L, $0) }
            lua_rawset(L, -3)
            return LuaReference(ref: luaL_ref(L, clua_registryindex()), registry: state.references)
        }
    }

    /// json.array(t) / json.object(t): marks t (or a new table) and returns it.
    private static func mark(_ args: LuaArguments, _ markers: Markers, array: Bool) throws -> Int {
        let L = args.L
        let kind = array ? "array" : "object"
        if args.isNil(0) {
            lua_createtable(L, 0, 0)
        } else {
            guard lua_type(L, 1) == LUA_TTABLE else { throw args.bad(0, "table") }
            lua_settop(L, 1)
            if lua_getmetatable(L, 1) != 0 {
                let ours = isMarker(L, -1, markers.array) || isMarker(L, -1, markers.object)
                clua_pop(L, 1)
                guard ours else {
                    throw LuaError(status: .runtime, message: "json.\(kind): the table already has a metatable")
                }
            }
        }
        lua_rawgeti(L, clua_registryindex(), lua_Integer((array ? markers.array : markers.object).ref))
        lua_setmetatable(L, -2)
        return 1
    }

    static func isMarker(_ L: OpaquePointer, _ index: Int32, _ marker: LuaReference) -> Bool {
        let i = lua_absindex(L, index)
        lua_rawgeti(L, clua_registryindex(), lua_Integer(marker.ref))
        defer { clua_pop(L, 1) }
        return lua_rawequal(L, i, -1) != 0
    }

    /// json.nulls(t): the keys of `t` that were null in the JSON it came from and are still
    /// absent, sorted (indices first); an empty table for any other table.
    private static func nulls(_ args: LuaArguments, _ markers: Markers) throws -> Int {
        let L = args.L
        guard lua_type(L, 1) == LUA_TTABLE else { throw args.bad(0, "table") }
        guard lua_checkstack(L, 8) != 0 else { throw LuaError(status: .runtime, message: "json.nulls: Lua stack overflow") }
        lua_settop(L, 1)
        var strings: [[UInt8]] = [], indices: [Int64] = []
        lua_rawgeti(L, clua_registryindex(), lua_Integer(markers.nulls.ref))
        lua_pushvalue(L, 1)
        if lua_rawget(L, 2) == LUA_TTABLE {
            lua_pushnil(L)
            while lua_next(L, 3) != 0 {
                clua_pop(L, 1)
                lua_pushvalue(L, -1)
                let absent = lua_rawget(L, 1) == LUA_TNIL
                clua_pop(L, 1)
                guard absent else { continue }
                if lua_type(L, -1) == LUA_TSTRING {
                    var len = 0
                    let p = clua_tolstring(L, -1, &len)
                    strings.append(Array(UnsafeRawBufferPointer(start: p, count: len)))
                } else if lua_isinteger(L, -1) != 0, case let i = clua_tointeger(L, -1, nil), i >= 1 {
                    indices.append(i) // 0 holds an array's length
                }
            }
        }
        lua_settop(L, 1)
        lua_createtable(L, Int32(strings.count + indices.count), 0)
        var slot: lua_Integer = 1
        for i in indices.sorted() { lua_pushinteger(L, i); lua_rawseti(L, -2, slot); slot += 1 }
        for s in strings.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            s.withUnsafeBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
            }
            lua_rawseti(L, -2, slot)
            slot += 1
        }
        return 1
    }

    private static func decode(_ args: LuaArguments, _ markers: Markers) throws -> Int {
        let L = args.L
        guard lua_checkstack(L, 8) != 0 else { throw LuaError(status: .runtime, message: "json.decode: Lua stack overflow") }
        let base = markers.push(L)
        var sink = LuaPushSink(L: L, arrayMarker: base + 1, objectMarker: base + 2)
        do {
            try args.withBytes(0) { bytes in try JSONParser.parse(bytes, into: &sink) }
        } catch let error as JSONError {
            lua_settop(L, base + 3)
            throw LuaError(status: .runtime, message: "json.decode: \(error)")
        } catch let error as LuaError where args.type(0) != "string" {
            throw LuaError(status: .runtime, message: "json.decode: " + error.message)
        }
        return 1
    }
}
