import JSONCodec
import Testing

/// The whole input must be well-formed UTF-8; errors name the first byte of the
/// ill-formed sequence.
@Suite struct UTF8ValidationTests {
    static let q: UInt8 = 0x22

    @Test(arguments: [
        ([0xC0, 0xAF], 2),              // overlong 2-byte "/"
        ([0xC1, 0xBF], 2),              // overlong 2-byte
        ([0xE0, 0x80, 0xAF], 2),        // overlong 3-byte
        ([0xF0, 0x80, 0x80, 0xAF], 2),  // overlong 4-byte
        ([0xED, 0xA0, 0x80], 2),        // UTF-16 surrogate D800 encoded in UTF-8
        ([0xED, 0xBF, 0xBF], 2),        // surrogate DFFF
        ([0xF4, 0x90, 0x80, 0x80], 2),  // U+110000
        ([0xF5, 0x80, 0x80, 0x80], 2),  // lead byte never valid
        ([0xFF], 2),
        ([0x80], 2),                    // stray continuation byte
        ([0xE2, 0x82], 2),              // truncated 3-byte sequence (then the quote)
        ([0xC3, 0xA9, 0xE2, 0x28, 0xA1], 4),  // valid é, then E2 with a bad continuation
    ] as [([UInt8], Int)])
    func invalidSequenceInString(bytes: [UInt8], offset: Int) {
        // `"a` + bytes + `"`: the string body starts at offset 2... after `"a`.
        let input = [Self.q, 0x61] + bytes + [Self.q]
        let error = parseError(input)
        #expect(error?.offset == offset)
        #expect(error?.message == "invalid UTF-8")
    }

    @Test func truncatedAtEndOfInput() {
        let error = parseError([Self.q, 0xF0, 0x9F, 0x98])
        #expect(error?.offset == 1)
        #expect(error?.message == "invalid UTF-8")
    }

    @Test func invalidBytesInLongStringsUseExactOffsets() {
        // Past the first 8-byte block, so the word-at-a-time scan must locate it exactly.
        let input = Array(#"{"k": "0123456789abcdefghi"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        let error = parseError(input)
        #expect(error?.offset == 26)
        #expect(error?.description == "invalid JSON at byte 26: invalid UTF-8")
    }

    @Test func invalidBytesOutsideStrings() {
        var error = parseError([0x5B, 0xFF, 0x5D])
        #expect(error?.offset == 1)
        #expect(error?.message == "invalid UTF-8")
        // Valid UTF-8 that is not JSON syntax (here a no-break space) is a syntax error.
        error = parseError([0x5B, 0xC2, 0xA0, 0x31, 0x5D])
        #expect(error?.offset == 1)
        #expect(error?.message == "expected value, found byte 0xC2")
        // A byte order mark is not JSON whitespace.
        error = parseError([0xEF, 0xBB, 0xBF, 0x31])
        #expect(error?.offset == 0)
    }

    @Test func validBoundarySequencesAccepted() throws {
        let samples: [[UInt8]] = [
            [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80],
            [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
        ]
        for sample in samples {
            #expect(try parsedStringBytes([Self.q] + sample + [Self.q]) == sample)
        }
        #expect(try JSONValue(parsing: #"["héllo wörld ☃ 😀 with some padding"]"#)
            == ["héllo wörld ☃ 😀 with some padding"])
    }

    @Test func writerRejectsInvalidUTF8WithOffsetInString() throws {
        var w = JSONWriter()
        w.beginArray()
        w.integer(1)
        let bad: [UInt8] = [0x61, 0x62, 0x63, 0xED, 0xA0, 0x80]
        #expect {
            try bad.withUnsafeBytes { try w.string($0) }
        } throws: { error in
            let e = error as? JSONError
            return e?.message == "invalid UTF-8 in string at byte 3" && e?.offset == nil
                && e?.description == "invalid UTF-8 in string at byte 3"
        }
        // Nothing was written by the failed call, and the comma state is intact.
        try Array("é😀".utf8).withUnsafeBytes { try w.string($0) }
        w.endArray()
        #expect(String(decoding: w.bytes, as: UTF8.self) == #"[1,"é😀"]"#)
    }

    @Test func writerRejectsInvalidKey() throws {
        var w = JSONWriter()
        w.beginObject()
        #expect {
            try ([0x6B, 0xC0, 0x80] as [UInt8]).withUnsafeBytes { try w.key($0) }
        } throws: { error in
            (error as? JSONError)?.message == "invalid UTF-8 in string at byte 1"
        }
        try Array("ké".utf8).withUnsafeBytes { try w.key($0) }
        w.integer(1)
        w.endObject()
        #expect(String(decoding: w.bytes, as: UTF8.self) == #"{"ké":1}"#)
    }
}
