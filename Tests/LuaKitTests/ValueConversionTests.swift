import LuaKit
import Testing

@Suite("Values crossing between Swift and Lua")
struct ValueConversionTests {
    @Test("scalars keep their type: integers stay integers, floats stay floats")
    func scalars() throws {
        let values: [LuaValue] = [.nil, true, false, .integer(.max), .integer(.min), .integer(0), .number(3.0), .number(-0.5), .number(1e300)]
        let back = try withState { state in
            try state.call(try state.load(Array("return ...".utf8), chunkName: "=id").asFunction, values)
        }
        #expect(back == values)
        let checked = try withState { state -> [LuaValue] in
            try state.setGlobal("i", .integer(Int64.max))
            try state.setGlobal("f", .number(3.0))
            return try state.execute("return math.type(i), math.type(f), i, f == 3", chunkName: "=t")
        }
        #expect(checked == ["integer", "float", .integer(.max), true])
    }

    @Test("strings are bytes: invalid UTF-8 and NUL survive a round trip")
    func bytes() throws {
        let raw = LuaString([0xFF, 0x00, 0x41, 0xC3, 0x28])
        let back = try withState { state -> [LuaValue] in
            try state.setGlobal("s", .string(raw))
            return try state.execute("return s, #s", chunkName: "=t")
        }
        #expect(back == [.string(raw), .integer(5)])
        #expect(raw.text == nil)
        #expect(String.fromLuaValue(.string(raw)) == nil)
        #expect(raw.lossyText.contains("\u{FFFD}"))
    }

    @Test("tables: arrays and maps, nested, copied by value")
    func tables() throws {
        let result = try run("return { 10, 20, 30, name = 'Kelly', nested = { ok = true, list = { 'a' } }, [2.5] = 'f' }")
        guard case .table(let t) = result[0] else { Issue.record("not a table"); return }
        #expect(t.array == [10, 20, 30])
        #expect(t["name"] == "Kelly")
        #expect(t["nested"]["list"][1] == "a")
        #expect(t[.number(2.5)] == "f")
        // and back
        let echoed = try withState { state in try state.execute("local t = ... return t[3], t.nested.list[1], #t", chunkName: "=t", arguments: [.table(t)]) }
        #expect(echoed == [30, "a", 3])
    }

    @Test("a sparse table keeps its holes out of the array part")
    func sparse() throws {
        let result = try run("local t = {1, 2, 3, 4} t[2] = nil return t")
        guard case .table(let t) = result[0] else { Issue.record("not a table"); return }
        #expect(t[.integer(1)] == 1)
        #expect(t[.integer(2)] == .nil)
        #expect(t[.integer(4)] == 4)
    }

    @Test("a cycle is detected, not followed forever")
    func cycles() throws {
        let error = try withState { state -> LuaError? in
            let results = try state.execute("local t = {} t.self = t return 1", chunkName: "=t")
            #expect(results == [1])
            return caught { try state.execute("local t = {a = {}} t.a.back = t return t", chunkName: "=t") }
        }
        #expect(error?.message.contains("cycle") == true)
        // a table shared twice (not a cycle) is fine
        let shared = try run("local s = {1} return {a = s, b = s}")
        #expect(shared[0]["a"] == shared[0]["b"])
    }

    @Test("functions and userdata cross by reference and can be called later")
    func references() throws {
        let results = try withState { state -> [LuaValue] in
            let made = try state.execute("local n = 0 return function(k) n = n + k return n end", chunkName: "=t")
            guard case .function = made[0] else { return [] }
            _ = try state.call(made[0], [5])
            return try state.call(made[0], [2])
        }
        #expect(results == [7])
    }

    @Test("LuaConvertible converts exactly or not at all")
    func convertible() {
        #expect(Int.fromLuaValue(.integer(42)) == 42)
        #expect(Int.fromLuaValue(.number(42.0)) == 42)
        #expect(Int.fromLuaValue(.number(42.5)) == nil)
        #expect(Int32.fromLuaValue(.integer(1 << 40)) == nil)
        #expect(Double.fromLuaValue(.integer(3)) == 3.0)
        #expect(String.fromLuaValue("x") == "x")
        #expect([Int].fromLuaValue([1, 2, 3]) == [1, 2, 3])
        #expect([Int].fromLuaValue(["a"]) == nil)
        #expect([String: Int].fromLuaValue(["a": 1]) == ["a": 1])
        #expect(Optional<Int>.fromLuaValue(.nil) == .some(nil))
        #expect([1, 2].luaValue == [1, 2])
        #expect(["k": "v"].luaValue == ["k": "v"])
    }
}

extension Array where Element == LuaValue {
    var asFunction: LuaValue { first ?? .nil }
}

extension LuaReference {
    var asFunction: LuaValue { .function(self) }
}
