import JSONCodec
import Testing

/// The RFC 8259 number grammar is enforced, with the offset of the offending byte.
@Suite struct InvalidNumberTests {
    @Test(arguments: [
        ("01", 1, "leading zeros are not allowed in numbers"),
        ("-01", 2, "leading zeros are not allowed in numbers"),
        ("1.", 2, "expected digit after '.'"),
        ("[1.e5]", 3, "expected digit after '.'"),
        (".5", 0, "expected value, found '.'"),
        ("-", 1, "expected digit after '-'"),
        ("-a", 1, "expected digit after '-'"),
        ("-Infinity", 1, "expected digit after '-'"),
        ("1e", 2, "expected digit in exponent"),
        ("1e+", 3, "expected digit in exponent"),
        ("[2E-x]", 4, "expected digit in exponent"),
        ("+1", 0, "expected value, found '+'"),
        ("NaN", 0, "expected value, found 'N'"),
        ("Infinity", 0, "expected value, found 'I'"),
        ("0x10", 1, "unexpected 'x' after top-level value"),
        ("1.5.3", 3, "unexpected '.' after top-level value"),
    ])
    func rejected(text: String, offset: Int, message: String) {
        let error = parseError(text)
        #expect(error?.offset == offset)
        #expect(error?.message == message)
    }

    @Test func descriptionNamesTheByte() {
        #expect(parseError("[1, 01]")?.description == "invalid JSON at byte 5: leading zeros are not allowed in numbers")
    }
}
