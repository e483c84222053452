import LuaKit
import Testing

/// Runs `source` with `response(text)`, a host function that decodes JSON as API results are
/// decoded (nulls read as nil, remembered).
private func withResponses(_ source: String) throws -> [LuaValue] {
    try withState { state in
        try LuaJSON.install(in: state)
        try state.setGlobal("response", .hostFunction(LuaHostFunction.pushing { args in
            let text = try args.string(0)
            return try LuaJSON.pushDecoded(Array(text.utf8), args, nullAsNil: true)
        }))
        return try state.execute(source, chunkName: "=t")
    }
}

/// API results: a JSON null reads as nil (so `if x.field then` works), but the table remembers
/// it, so printing and re-encoding show what the API sent.
@Suite("JSON null in API results")
struct JSONNullTests {
    @Test("a null field reads as nil and is re-encoded as null")
    func objects() throws {
        #expect(try withResponses("""
            local sr = response('{"id": "a", "reason": null, "n": null, "signers": [{"x": null}]}')
            return sr.reason == nil, rawget(sr, "reason") == nil, json.encode(sr), (sr.reason and "set" or "unset")
            """) == [true, true, #"{"id":"a","n":null,"reason":null,"signers":[{"x":null}]}"#, "unset"])
    }

    @Test("json.nulls lists the keys still absent; a key the script sets wins")
    func setAfterwards() throws {
        #expect(try withResponses("""
            local t = response('{"b": null, "a": null, "c": 1}')
            local before = table.concat(json.nulls(t), ",")
            t.a = "now set"
            return before, table.concat(json.nulls(t), ","), json.encode(t), #json.nulls({}), #json.nulls(json.decode('{"z":1}'))
            """) == ["a,b", "b", #"{"a":"now set","b":null,"c":1}"#, 0, 0])
    }

    @Test("null slots of arrays keep the array's length and place")
    func arrays() throws {
        #expect(try withResponses("""
            local t = response('[1, null, 3, null]')
            return json.encode(t), table.concat(json.nulls(t), ","), t[3], json.encode(response('{"l": [null]}'))
            """) == ["[1,null,3,null]", "2,4", .integer(3), #"{"l":[null]}"#])
    }

    @Test("a top-level null is nil; json.decode still gives json.null")
    func topLevel() throws {
        #expect(try withResponses("""
            return response('null') == nil, json.decode('{"a": null}').a == json.null
            """) == [true, true])
    }

    @Test("the remembered nulls go with the table: a copy made by hand has none, and nothing leaks into keys")
    func noVisibleKeys() throws {
        #expect(try withResponses("""
            local t = response('{"a": null, "b": 2}')
            local keys, copy = {}, {}
            for k, v in pairs(t) do keys[#keys + 1] = k; copy[k] = v end
            return table.concat(keys, ","), json.encode(copy)
            """) == ["b", #"{"b":2}"#])
    }
}
