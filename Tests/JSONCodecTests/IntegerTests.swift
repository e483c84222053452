import JSONCodec
import Testing

/// Integers stay exact Int64 over the full range; only overflow becomes a double.
@Suite struct IntegerTests {
    @Test func int64ExtremesParseExactly() throws {
        #expect(try JSONValue(parsing: "9223372036854775807") == .integer(Int64.max))
        #expect(try JSONValue(parsing: "-9223372036854775808") == .integer(Int64.min))
        #expect(try JSONValue(parsing: "[0,-0,7,-42]") == [.integer(0), .integer(0), .integer(7), .integer(-42)])
    }

    @Test func int64ExtremesEncodeExactly() throws {
        #expect(try JSONValue.integer(Int64.max).encodedString() == "9223372036854775807")
        #expect(try JSONValue.integer(Int64.min).encodedString() == "-9223372036854775808")
        var w = JSONWriter()
        w.beginArray()
        for v: Int64 in [0, 9, 10, -1, -10, 1_000_000, Int64.min, Int64.max] { w.integer(v) }
        w.endArray()
        #expect(String(decoding: w.bytes, as: UTF8.self)
            == "[0,9,10,-1,-10,1000000,-9223372036854775808,9223372036854775807]")
    }

    @Test func twoToThe53PlusOneRoundTrips() throws {
        let text = "9007199254740993"
        let value = try JSONValue(parsing: text)
        #expect(value == .integer(9_007_199_254_740_993))
        #expect(value.intValue == 9_007_199_254_740_993)
        #expect(try value.encodedString() == text)
        #expect(try JSONValue(parsing: "-9007199254740993").encodedString() == "-9007199254740993")
    }

    @Test func overflowBecomesDouble() throws {
        #expect(try JSONValue(parsing: "9223372036854775808") == .double(9_223_372_036_854_775_808.0))
        #expect(try JSONValue(parsing: "-9223372036854775809") == .double(-9_223_372_036_854_775_809.0))
        #expect(try JSONValue(parsing: "18446744073709551616") == .double(18_446_744_073_709_551_616.0))
        #expect(try JSONValue(parsing: "123456789012345678901234567890") == .double(1.2345678901234568e29))
    }

    @Test func integerEventsReachTheSink() throws {
        var sink = RecordingSink()
        try JSONParser.parse(Array("[1, -2, 300]".utf8), into: &sink)
        #expect(sink.events == ["[", "int(1)", "int(-2)", "int(300)", "](3)"])
    }
}
