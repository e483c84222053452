import JSONCodec
import Testing

/// The writer inserts separators itself, across any nesting of containers.
@Suite struct WriterStateTests {
    static func text(_ w: JSONWriter) -> String { String(decoding: w.bytes, as: UTF8.self) }

    @Test func commasAndColonsAcrossNestedContainers() throws {
        var w = JSONWriter()
        w.beginArray()
        w.integer(1)
        w.beginObject()
        w.key("a"); w.beginArray(); w.endArray()
        w.key("b"); w.null()
        w.key("c"); w.beginObject(); w.key("d"); w.bool(false); w.endObject()
        w.endObject()
        w.string("x")
        w.beginArray(); w.beginArray(); w.endArray(); w.beginObject(); w.endObject(); w.endArray()
        try w.double(2.5)
        w.bool(true)
        w.endArray()
        #expect(Self.text(w) == #"[1,{"a":[],"b":null,"c":{"d":false}},"x",[[],{}],2.5,true]"#)
    }

    @Test func prettyStateAcrossNestedContainers() {
        var w = JSONWriter(indent: 2)
        w.beginObject()
        w.key("a"); w.beginArray(); w.integer(1); w.beginObject(); w.endObject(); w.endArray()
        w.key("b"); w.string("v")
        w.endObject()
        #expect(Self.text(w) == "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": \"v\"\n}")
    }

    @Test func rawByteKeysAndStringsAreEscaped() throws {
        var w = JSONWriter()
        w.beginObject()
        try Array("q\"k".utf8).withUnsafeBytes { try w.key($0) }
        try Array("line\nnext\u{2029}".utf8).withUnsafeBytes { try w.string($0) }
        try [UInt8]().withUnsafeBytes { try w.key($0) }
        try [UInt8]().withUnsafeBytes { try w.string($0) }
        w.key("")
        w.string("")
        w.endObject()
        #expect(Self.text(w) == #"{"q\"k":"line\nnext\u2029","":"","":""}"#)
    }

    @Test func topLevelScalars() throws {
        var w = JSONWriter()
        w.string("solo")
        #expect(Self.text(w) == #""solo""#)
        var n = JSONWriter(indent: 2)
        n.null()
        #expect(Self.text(n) == "null")
    }

    @Test func valueCanBeWrittenIntoALargerDocument() throws {
        var w = JSONWriter()
        w.beginObject()
        w.key("payload")
        try JSONValue.object(["z": 1, "a": [true]]).write(to: &w)
        w.key("n")
        w.integer(2)
        w.endObject()
        #expect(Self.text(w) == #"{"payload":{"a":[true],"z":1},"n":2}"#)
    }

    @Test func longStringsWithManyEscapes() throws {
        let raw = String(repeating: "ab\"\u{1}\u{2028}é", count: 100)
        let encoded = try JSONValue.string(raw).encodedString()
        #expect(encoded == "\"" + String(repeating: #"ab\"\u0001\u2028é"#, count: 100) + "\"")
        #expect(try JSONValue(parsing: encoded) == .string(raw))
    }
}
