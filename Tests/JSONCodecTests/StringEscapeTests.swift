import JSONCodec
import Testing

/// Escapes decode to the right UTF-8; broken escapes and raw control characters fail
/// at the offset of their first byte.
@Suite struct StringEscapeTests {
    @Test func surrogatePairBecomesOneCodePoint() throws {
        #expect(try parsedStringBytes(Array(#""\ud83d\ude00""#.utf8)) == [0xF0, 0x9F, 0x98, 0x80])
        #expect(try JSONValue(parsing: #""smile \uD83D\uDE00!""#) == .string("smile 😀!"))
    }

    @Test func simpleEscapes() throws {
        #expect(try parsedStringBytes(Array(#""\"\\\/\b\f\n\r\t""#.utf8))
            == [0x22, 0x5C, 0x2F, 0x08, 0x0C, 0x0A, 0x0D, 0x09])
    }

    @Test func unicodeEscapes() throws {
        #expect(try parsedStringBytes(Array(#""\u00e9\u20AC\u0000A""#.utf8))
            == [0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0x00, 0x41])
        #expect(try parsedStringBytes(Array(#""\uFFFF""#.utf8)) == [0xEF, 0xBF, 0xBF])
        #expect(try parsedStringBytes(Array(#""\uDBFF\uDFFF""#.utf8)) == [0xF4, 0x8F, 0xBF, 0xBF])
    }

    @Test func escapesInKeysAndLongStrings() throws {
        let value = try JSONValue(parsing: #"{"a\nb": "0123456789abcdef\"0123456789\u0041"}"#)
        #expect(value == ["a\nb": "0123456789abcdef\"0123456789A"])
    }

    @Test(arguments: [
        (#""ab\ud83d""#, 3, #"unpaired surrogate \uD83D in string"#),        // high at end
        (#""\ude00""#, 1, #"unpaired surrogate \uDE00 in string"#),          // lone low
        (#""\ude00\ud83d""#, 1, #"unpaired surrogate \uDE00 in string"#),    // reversed pair
        (#""\ud83d\u0041""#, 1, #"unpaired surrogate \uD83D in string"#),    // high + non-low
        (#""\ud83d\ud83d""#, 1, #"unpaired surrogate \uD83D in string"#),    // high + high
        (#""\ud83dx""#, 1, #"unpaired surrogate \uD83D in string"#),         // high + plain char
        (#"["ok", "0123456789\udc00"]"#, 18, #"unpaired surrogate \uDC00 in string"#),
    ])
    func loneSurrogatesRejected(text: String, offset: Int, message: String) {
        let error = parseError(text)
        #expect(error?.offset == offset)
        #expect(error?.message == message)
    }

    @Test func rawControlCharactersRejected() {
        var error = parseError("\"a\nb\"")
        #expect(error?.offset == 2)
        #expect(error?.message == "unescaped control character byte 0x0A in string")
        error = parseError("\"\t\"")
        #expect(error?.offset == 1)
        error = parseError(Array("[\"0123456789abcdef".utf8) + [0x1F] + Array("\"]".utf8))
        #expect(error?.offset == 18)
        #expect(error?.message == "unescaped control character byte 0x1F in string")
        error = parseError("\"x\\n\u{0}\"")  // after an escape (slow path)
        #expect(error?.offset == 4)
        #expect(error?.message == "unescaped control character byte 0x00 in string")
        #expect(parseError("\"\u{7F}\"") == nil)  // DEL is not a control character in JSON
    }

    @Test func badEscapesRejected() {
        var error = parseError(#""a\x""#)
        #expect(error?.offset == 2)
        #expect(error?.message == #"invalid escape '\x' in string"#)
        error = parseError(#""\u12G4""#)
        #expect(error?.offset == 1)
        #expect(error?.message == #"invalid \u escape, expected 4 hex digits"#)
        error = parseError(#""\ud83d\uZZZZ""#)
        #expect(error?.offset == 7)
        #expect(error?.message == #"invalid \u escape, expected 4 hex digits"#)
        error = parseError(#""\u12""#)
        #expect(error?.offset == 1)
    }

    @Test func unterminatedStringsPointAtTheQuote() {
        for text in [#"["abc"#, #"["abc\"#, #"["abc\""#, #"["0123456789abcdefghij"#] {
            let error = parseError(text)
            #expect(error?.offset == 1, "\(text)")
            #expect(error?.message == "unterminated string", "\(text)")
        }
    }

    @Test func unescapedStringsAreSlicesOfTheInput() throws {
        let input = Array(#"{"name": "plain", "esc": "a\tb"}"#.utf8)
        var sink = RecordingSink()
        try input.withUnsafeBytes { raw in
            try JSONParser.parse(raw, into: &sink)
            let base = raw.baseAddress!
            // key "name" starts at byte 2, value "plain" at byte 10: no copies.
            #expect(sink.bufferStarts[0] == base + 2)
            #expect(sink.bufferStarts[1] == base + 10)
            #expect(sink.bufferStarts[2] == base + 19)
            // The escaped value is unescaped elsewhere (the scratch buffer).
            #expect(sink.bufferStarts[3] != base + 26)
        }
        #expect(sink.events == ["{", "key(name)", "str(plain)", "key(esc)", "str(a\tb)", "}(2)"])
    }

    @Test func writerEscapes() throws {
        let value = JSONValue.string("a\"b\\c\n\r\t\u{8}\u{C}\u{1}\u{1F}\u{7F}\u{2028}\u{2029}é😀/")
        let text = try value.encodedString()
        #expect(text == #""a\"b\\c\n\r\t\b\f\u0001\u001f"# + "\u{7F}" + #"\u2028\u2029é😀/""#)
        #expect(try JSONValue(parsing: text) == value)
    }
}
