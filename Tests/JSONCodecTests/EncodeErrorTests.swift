import JSONCodec
import Testing

/// JSON has no NaN or infinity: encoding them is an error without an offset.
@Suite struct EncodeErrorTests {
    @Test(arguments: [Double.nan, Double.infinity, -Double.infinity, Double.signalingNaN])
    func nonFiniteDoublesRejected(value: Double) {
        #expect {
            try JSONValue.array([1, .object(["x": .double(value)])]).encoded()
        } throws: { error in
            let e = error as? JSONError
            return e?.message == "cannot encode NaN or infinity" && e?.offset == nil
                && e?.description == "cannot encode NaN or infinity"
        }
    }

    @Test func writerStaysUsableAfterRejectingNaN() throws {
        var w = JSONWriter()
        w.beginArray()
        w.integer(1)
        #expect(throws: JSONError(message: "cannot encode NaN or infinity", offset: nil)) {
            try w.double(.nan)
        }
        try w.double(2)
        w.endArray()
        #expect(String(decoding: w.bytes, as: UTF8.self) == "[1,2.0]")
    }
}
