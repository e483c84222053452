import JSONCodec
import Testing

/// Syntax outside values: whitespace, separators, one top-level value, no extensions.
@Suite struct StructureErrorTests {
    @Test(arguments: [
        ("", 0, "unexpected end of input"),
        ("   ", 3, "unexpected end of input"),
        ("[1,]", 3, "expected value, found ']'"),
        ("[,1]", 1, "expected value, found ','"),
        (#"{"a":1,}"#, 7, "expected string for object key, found '}'"),
        ("{1:2}", 1, "expected string for object key, found '1'"),
        ("[1 2]", 3, "expected ',' or ']' after array element"),
        (#"{"a":1 "b":2}"#, 7, "expected ',' or '}' after object member"),
        (#"{"a":1]"#, 6, "expected ',' or '}' after object member"),
        (#"{"a" 1}"#, 5, "expected ':' after object key"),
        ("[1] x", 4, "unexpected 'x' after top-level value"),
        ("1 2", 2, "unexpected '2' after top-level value"),
        ("[1]]", 3, "unexpected ']' after top-level value"),
        ("[1,2", 4, "unexpected end of input"),
        (#"{"a":"#, 5, "unexpected end of input"),
        (#"{"a""#, 4, "unexpected end of input"),
        ("tru", 0, "invalid literal, expected 'true'"),
        ("[fals]", 1, "invalid literal, expected 'false'"),
        ("nul", 0, "invalid literal, expected 'null'"),
        ("nulll", 4, "unexpected 'l' after top-level value"),
        ("True", 0, "expected value, found 'T'"),
        ("// c\n1", 0, "expected value, found '/'"),
        ("[1 /* c */]", 3, "expected ',' or ']' after array element"),
        ("'a'", 0, "expected value, found '''"),
        ("\u{0C}1", 0, "expected value, found byte 0x0C"),
        ("[1,\u{0B}2]", 3, "expected value, found byte 0x0B"),
    ])
    func rejected(text: String, offset: Int, message: String) {
        let error = parseError(text)
        #expect(error?.offset == offset)
        #expect(error?.message == message)
    }

    @Test func descriptionFormat() {
        #expect(parseError(#"{"key": 1 "x"}"#)?.description
            == "invalid JSON at byte 10: expected ',' or '}' after object member")
    }

    @Test func jsonWhitespaceEverywhere() throws {
        let text = " \t\r\n{ \"a\" \n:\t[ 1 ,\r2 ] , \"b\" : { } }\n\t "
        #expect(try JSONValue(parsing: text) == ["a": [1, 2], "b": .object([:])])
    }

    @Test func anyValueAtTopLevel() throws {
        #expect(try JSONValue(parsing: #""x""#) == "x")
        #expect(try JSONValue(parsing: " 12 ") == 12)
        #expect(try JSONValue(parsing: "true") == true)
        #expect(try JSONValue(parsing: "false") == false)
        #expect(try JSONValue(parsing: "null") == nil)
        #expect(try JSONValue(parsing: "1.5") == 1.5)
    }

    @Test func sinkErrorsPropagateUnchanged() {
        struct Stop: Error, Equatable { let at: String }
        struct StoppingSink: JSONSink {
            var seen = 0
            mutating func beginArray() throws {}
            mutating func endArray(count: Int) throws {}
            mutating func beginObject() throws {}
            mutating func endObject(count: Int) throws {}
            mutating func key(_ utf8: UnsafeRawBufferPointer) throws {}
            mutating func string(_ utf8: UnsafeRawBufferPointer) throws {
                throw Stop(at: String(decoding: utf8, as: UTF8.self))
            }
            mutating func integer(_ value: Int64) throws { seen += 1 }
            mutating func double(_ value: Double) throws {}
            mutating func bool(_ value: Bool) throws {}
            mutating func null() throws {}
        }
        var sink = StoppingSink()
        #expect(throws: Stop(at: "two")) {
            try JSONParser.parse(Array(#"[1, "two", 3, ]"#.utf8), into: &sink)
        }
        #expect(sink.seen == 1)  // stopped at the string, before the later syntax error
    }

    @Test func eventOrder() throws {
        var sink = RecordingSink()
        try JSONParser.parse(Array(#"{"a": [true, null, 1.5, {}], "b": "s", "c": []}"#.utf8), into: &sink)
        #expect(sink.events == [
            "{", "key(a)", "[", "bool(true)", "null", "dbl(1.5)", "{", "}(0)", "](4)",
            "key(b)", "str(s)", "key(c)", "[", "](0)", "}(3)",
        ])
    }

    @Test func emptyRawBufferIsAnError() {
        var sink = RecordingSink()
        #expect {
            try JSONParser.parse(UnsafeRawBufferPointer(start: nil, count: 0), into: &sink)
        } throws: { error in
            (error as? JSONError) == JSONError(message: "unexpected end of input", offset: 0)
        }
    }
}
