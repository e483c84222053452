import JSONCodec
import Testing

/// Parse → encode keeps types and structure; object keys come out sorted by UTF-8 bytes.
@Suite struct RoundTripTests {
    @Test func emptyArrayAndObjectArePreserved() throws {
        #expect(try JSONValue(parsing: "[]") == .array([]))
        #expect(try JSONValue(parsing: "{}") == .object([:]))
        let text = #"{"a":[],"b":{},"c":[{}],"d":[[]],"e":{"f":[]}}"#
        let value = try JSONValue(parsing: text)
        #expect(try value.encodedString() == text)
        #expect(value["a"] == .array([]))
        #expect(value["b"] == .object([:]))
    }

    @Test func keysAreSortedByUTF8Bytes() throws {
        let value = try JSONValue(parsing: #"{"b":1,"é":2,"a":3,"A":4,"aa":5,"z":6,"_":7,"":8}"#)
        #expect(try value.encodedString() == #"{"":8,"A":4,"_":7,"a":3,"aa":5,"b":1,"z":6,"é":2}"#)
    }

    @Test func sortingLooksPastTheFirstEightBytes() throws {
        let value: JSONValue = ["abcdefgh1": 1, "abcdefgh": 2, "abcdefgh0": 3, "abcdefgg9": 4, "abcdefgh\u{0}": 5]
        #expect(try value.encodedString()
            == #"{"abcdefgg9":4,"abcdefgh":2,"abcdefgh\u0000":5,"abcdefgh0":3,"abcdefgh1":1}"#)
    }

    @Test func byteOrderIsNotStringOrder() throws {
        // "e" + combining acute (65 CC 81) sorts before "f" (66) by bytes, although Swift's
        // String comparison (which normalizes to "é" U+00E9) would put it after "f".
        let decomposed = "e\u{301}"
        #expect(!(decomposed < "f"))
        let value = JSONValue.object(["f": 1, decomposed: 2])
        #expect(try value.encodedString() == "{\"e\u{301}\":2,\"f\":1}")
    }

    @Test func duplicateKeysKeepTheLastValue() throws {
        #expect(try JSONValue(parsing: #"{"a":1,"b":2,"a":3}"#) == ["a": 3, "b": 2])
    }

    @Test func apiLikeDocumentRoundTripsExactly() throws {
        let text = #"{"data":[{"active":true,"created_at":"2024-03-01T12:00:00.000Z","id":1000000000123,"owner":{"id":7,"login":"ada"},"price":12.5,"tags":["a","b"]},{"active":false,"created_at":"2024-03-02T08:30:00Z","id":-1,"owner":null,"price":0.1,"tags":[]}],"next":null,"total":2}"#
        let value = try JSONValue(parsing: text)
        #expect(try value.encodedString() == text)
        #expect(try JSONValue(parsing: value.encoded()) == value)
    }

    @Test func integerAndDoubleStayDistinct() throws {
        let value = try JSONValue(parsing: "[1,1.0,1e0,-0,-0.0]")
        #expect(value == [.integer(1), .double(1), .double(1), .integer(0), .double(-0.0)])
        #expect(try value.encodedString() == "[1,1.0,1.0,0,-0.0]")
    }

    @Test func stringInitCountsUTF8Offsets() {
        do {
            _ = try JSONValue(parsing: "[\"é\", x]")
            Issue.record("expected an error")
        } catch let error as JSONError {
            #expect(error.offset == 7)  // "é" is two bytes
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
