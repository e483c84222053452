import JSONCodec
import Testing

/// Convenience accessors and literals.
@Suite struct ValueAccessTests {
    @Test func subscriptsAndAccessors() throws {
        let v = try JSONValue(parsing: #"{"id": 42, "name": "Ada", "tags": ["x"], "ok": true, "r": 2.0, "n": null}"#)
        #expect(v["id"]?.intValue == 42)
        #expect(v["name"]?.stringValue == "Ada")
        #expect(v["tags"]?[0]?.stringValue == "x")
        #expect(v["tags"]?[1] == nil)
        #expect(v["tags"]?[-1] == nil)
        #expect(v["missing"] == nil)
        #expect(v[0] == nil)
        #expect(v["ok"]?.boolValue == true)
        #expect(v["r"]?.intValue == 2)
        #expect(v["r"]?.doubleValue == 2.0)
        #expect(v["id"]?.doubleValue == 42.0)
        #expect(v["n"]?.isNull == true)
        #expect(v["name"]?.intValue == nil)
        #expect(v["tags"]?.arrayValue?.count == 1)
        #expect(v.objectValue?.count == 6)
        #expect(JSONValue.double(2.5).intValue == nil)
    }

    @Test func literals() {
        let v: JSONValue = ["a": [1, 2.5, "s", true, nil], "b": [:]]
        #expect(v == .object([
            "a": .array([.integer(1), .double(2.5), .string("s"), .bool(true), .null]),
            "b": .object([:]),
        ]))
    }
}
