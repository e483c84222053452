import LuaKit
import Testing

/// Runs `source` in a sandbox state with the json module.
private func json(_ source: String) throws -> [LuaValue] {
    try withState { state in
        try LuaJSON.install(in: state)
        return try state.execute(source, chunkName: "=t")
    }
}

private func jsonError(_ source: String) throws -> String {
    try withState { state -> String in
        try LuaJSON.install(in: state)
        return caught { try state.execute(source, chunkName: "=t") }?.message ?? "no error"
    }
}

@Suite("The json module")
struct JSONModuleTests {
    @Test("integers are exact over the whole int64 range")
    func integers() throws {
        #expect(try json("""
            local t = json.decode('[9007199254740993, 9223372036854775807, -9223372036854775808, 3]')
            return t[1], t[2], t[3], math.type(t[4]), json.encode(t)
            """) == [.integer(9007199254740993), .integer(.max), .integer(.min), "integer",
                     "[9007199254740993,9223372036854775807,-9223372036854775808,3]"])
        #expect(try json("return json.encode((1 << 53) + 1), json.decode(json.encode(9007199254740993)) == 9007199254740993")
            == ["9007199254740993", true])
    }

    @Test("floats round-trip and stay floats")
    func floats() throws {
        #expect(try json("""
            local values = {0.1, 3.0, -0.0, 1e300, 5e-324, 123456.789, 2^53}
            local out = {}
            for i, v in ipairs(values) do
              local back = json.decode(json.encode(v))
              out[#out + 1] = (back == v and math.type(back) == 'float') and 'ok' or ('bad ' .. json.encode(v))
            end
            return table.concat(out, ' '), json.encode(3.0), json.encode(0.1)
            """) == ["ok ok ok ok ok ok ok", "3.0", "0.1"])
        #expect(try jsonError("json.encode(0/0)") == "json.encode: cannot encode NaN or infinity")
        #expect(try jsonError("json.encode({a = {1, math.huge}})") == "json.encode: cannot encode NaN or infinity at $.a[2]")
    }

    @Test("null is json.null and survives a round trip in arrays and objects")
    func null() throws {
        #expect(try json("""
            local t = json.decode('{"a": null, "b": [1, null, 3]}')
            return t.a == json.null, #t.b, t.b[2] == json.null, json.encode(t)
            """) == [true, 3, true, #"{"a":null,"b":[1,null,3]}"#])
    }

    @Test("empty arrays and objects stay apart; json.array and json.object mark tables")
    func emptyContainers() throws {
        #expect(try json("""
            local t = json.decode('{"list": [], "map": {}}')
            return json.encode(t), json.encode({}), json.encode(json.array{}), json.encode(json.object{}),
                   json.encode(json.array()), json.encode({items = json.array{1, 2}})
            """) == [#"{"list":[],"map":{}}"#, "{}", "[]", "{}", "[]", #"{"items":[1,2]}"#])
        #expect(try jsonError("json.array(setmetatable({}, {}))") == "json.array: the table already has a metatable")
    }

    @Test("strings: escapes, surrogate pairs, control characters")
    func strings() throws {
        #expect(try json(#"""
            local s = json.decode('"\\ud83d\\ude00 caf\\u00e9 \\n\\t\\"\\\\"')
            return s == "😀 café \n\t\"\\", json.encode("tab\there \1 \u{2028}")
            """#) == [true, #""tab\there \u0001 \u2028""#])
        #expect(try jsonError(#"json.decode('"\\ud83d"')"#).hasPrefix("json.decode: invalid JSON at byte"))
    }

    @Test("invalid UTF-8 and invalid JSON name the byte offset", arguments: [
        (#"json.decode('[1, 2,]')"#, "json.decode: invalid JSON at byte 6"),
        (#"json.decode('{"a" 1}')"#, "json.decode: invalid JSON at byte 5"),
        (#"json.decode('"ab\255"')"#, "json.decode: invalid JSON at byte 3"),
        (#"json.decode('01')"#, "json.decode: invalid JSON at byte 1"),
        (#"json.decode('')"#, "json.decode: invalid JSON at byte 0"),
        (#"json.encode('ab\255')"#, "json.encode: invalid UTF-8 in string at byte 2"),
    ])
    func offsets(_ source: String, _ prefix: String) throws {
        let message = try jsonError(source)
        #expect(message.hasPrefix(prefix), "\(message)")
    }

    @Test("nesting: 1000 levels decode, 1001 is an error, 100000 does not crash")
    func nesting() throws {
        #expect(try json("local s = ('['):rep(1000) .. (']'):rep(1000) local t = json.decode(s) return json.encode(t) == s") == [true])
        #expect(try jsonError("json.decode(('['):rep(1001) .. (']'):rep(1001))").contains("nesting deeper than 1000"))
        #expect(try jsonError("json.decode(('['):rep(100000))").contains("nesting deeper than 1000"))
        #expect(try jsonError("local t = {} local c = t for i = 1, 1001 do c[1] = {} c = c[1] end json.encode(t)").contains("nesting deeper than 1000"))
    }

    @Test("object keys are written in sorted order; pretty output is stable")
    func sortedKeys() throws {
        #expect(try json("return json.encode({zeta = 1, alpha = 2, Beta = 3, ['a b'] = 4})")
            == [#"{"Beta":3,"a b":4,"alpha":2,"zeta":1}"#])
        #expect(try json("return json.encode({b = {1, 2}, a = {}}, {indent = 2})") == ["""
            {
              "a": {},
              "b": [
                1,
                2
              ]
            }
            """])
    }

    @Test("what cannot be encoded says what and where", arguments: [
        ("json.encode({f = print})", "json.encode: cannot encode a function value at $.f"),
        ("local t = {} t.self = t json.encode(t)", "json.encode: cannot encode a table that contains itself (a cycle) at $.self"),
        ("json.encode({1, 2, nil, 4})", "json.encode: cannot encode a table with mixed or sparse keys"),
        ("json.encode({1, x = 2})", "json.encode: cannot encode a table with mixed or sparse keys"),
        ("json.encode(json.object{[1] = 'a'})", "json.encode: object keys must be strings"),
    ])
    func encodeErrors(_ source: String, _ prefix: String) throws {
        let message = try jsonError(source)
        #expect(message.hasPrefix(prefix), "\(message)")
    }

    @Test("the module is read-only and reachable by require")
    func readOnly() throws {
        #expect(try json("return require('json') == json, (pcall(function() json.encode = nil end))") == [true, false])
    }
}
