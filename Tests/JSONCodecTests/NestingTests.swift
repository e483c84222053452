import JSONCodec
import Testing

/// Depth is limited by `maxDepth` and tracked without recursion.
@Suite struct NestingTests {
    static func nestedArrays(_ depth: Int) -> [UInt8] {
        Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth)
    }

    @Test func thousandLevelsAccepted() throws {
        var sink = DepthSink()
        try JSONParser.parse(Self.nestedArrays(1000), into: &sink)
        #expect(sink.maxSeen == 1000)
        #expect(sink.depth == 0)
    }

    @Test func thousandAndOneRejected() {
        let error = parseError(Self.nestedArrays(1001))
        #expect(error?.offset == 1000)
        #expect(error?.message == "nesting deeper than 1000")
        #expect(error?.description == "invalid JSON at byte 1000: nesting deeper than 1000")
    }

    @Test func objectsCountTowardsDepth() {
        let deep = String(repeating: #"{"a":"#, count: 1001) + "1" + String(repeating: "}", count: 1001)
        let error = parseError(deep)
        #expect(error?.offset == 5000)
        #expect(error?.message == "nesting deeper than 1000")
        let ok = String(repeating: #"{"a":["#, count: 500) + "1" + String(repeating: "]}", count: 500)
        #expect(parseError(ok) == nil)
    }

    @Test func hundredThousandBracketsDoNotCrash() {
        let input = Array(repeating: UInt8(ascii: "["), count: 100_000)
        let error = parseError(input)
        #expect(error?.offset == 1000)
        #expect(error?.message == "nesting deeper than 1000")
    }

    @Test func explicitStackHandlesAnyDepth() throws {
        var sink = DepthSink()
        try JSONParser.parse(Self.nestedArrays(100_000), into: &sink, maxDepth: 100_000)
        #expect(sink.maxSeen == 100_000)
        var unclosed = DepthSink()
        #expect {
            try JSONParser.parse(Array(repeating: UInt8(ascii: "["), count: 100_000), into: &unclosed, maxDepth: 200_000)
        } throws: { error in
            (error as? JSONError)?.offset == 100_000 && (error as? JSONError)?.message == "unexpected end of input"
        }
    }

    @Test func customMaxDepth() {
        #expect(parseError("[[1]]", maxDepth: 2) == nil)
        let error = parseError("[[[1]]]", maxDepth: 2)
        #expect(error?.offset == 2)
        #expect(error?.message == "nesting deeper than 2")
        #expect(parseError("1", maxDepth: 0) == nil)
        #expect(parseError("[]", maxDepth: 0)?.message == "nesting deeper than 0")
    }

    @Test func deepDocumentOnA512KiBStack() {
        let result = ResultBox<String>()
        onSmallStack {
            do {
                let deep = String(repeating: #"[{"k":"#, count: 500) + "null" + String(repeating: "}]", count: 500)
                let value = try JSONValue(parsing: deep)
                result.value = try value.encodedString()
            } catch {
                result.value = "error: \(error)"
            }
        }
        let expected = String(repeating: #"[{"k":"#, count: 500) + "null" + String(repeating: "}]", count: 500)
        #expect(result.value == expected)
    }
}
