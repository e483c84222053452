import JSONCodec
import Testing

/// Doubles are parsed correctly rounded and written in shortest round-trip form.
@Suite struct FloatTests {
    @Test func randomBitPatternsRoundTripBitExactly() throws {
        var rng = SplitMix64(state: 0x5EED)
        var checked = 0
        while checked < 500 {
            let d = Double(bitPattern: rng.next())
            if !d.isFinite { continue }
            checked += 1
            let text = try JSONValue.double(d).encodedString()
            guard case .double(let back) = try JSONValue(parsing: text) else {
                Issue.record("\(text) did not parse as a double")
                continue
            }
            #expect(back.bitPattern == d.bitPattern, "\(text)")
            #expect(Double(text)?.bitPattern == d.bitPattern, "\(text)")
        }
    }

    /// Decimal texts of the kind APIs emit, checked against the C library's strtod.
    /// These exercise both the exact fast path and the fallback.
    @Test func decimalTextsMatchStrtod() throws {
        var rng = SplitMix64(state: 42)
        for _ in 0..<400 {
            let intPart = rng.next() % 1_000_000_000
            let fracDigits = Int(rng.next() % 19) + 1
            var frac = String(rng.next() % 10_000_000_000_000_000_000)
            while frac.count < fracDigits { frac = "0" + frac }
            frac = String(frac.prefix(fracDigits))
            let exponent = Int(rng.next() % 80) - 40
            for text in ["\(intPart).\(frac)", "-\(intPart).\(frac)e\(exponent)"] {
                guard case .double(let d) = try JSONValue(parsing: text) else {
                    Issue.record("\(text) did not parse as a double")
                    continue
                }
                #expect(d.bitPattern == Double(text)!.bitPattern, "\(text)")
            }
        }
    }

    @Test func negativeZeroStaysDouble() throws {
        let value = try JSONValue(parsing: "-0.0")
        guard case .double(let d) = value else {
            Issue.record("-0.0 parsed as \(value)")
            return
        }
        #expect(d == 0 && d.sign == .minus)
        #expect(try value.encodedString() == "-0.0")
        guard case .double(let e) = try JSONValue(parsing: "-0e0") else {
            Issue.record("-0e0 not a double")
            return
        }
        #expect(e.sign == .minus)
        #expect(try JSONValue(parsing: "-0") == .integer(0))
    }

    @Test func exponentsParse() throws {
        #expect(try JSONValue(parsing: "1e2") == .double(100))
        #expect(try JSONValue(parsing: "1E+2") == .double(100))
        #expect(try JSONValue(parsing: "1e-2") == .double(0.01))
        #expect(try JSONValue(parsing: "2.5E-3") == .double(0.0025))
        #expect(try JSONValue(parsing: "1.0") == .double(1))
        #expect(try JSONValue(parsing: "1e308") == .double(1e308))
        #expect(try JSONValue(parsing: "1e-400") == .double(0))
        #expect(try JSONValue(parsing: "4.9e-324") == .double(Double.leastNonzeroMagnitude))
        #expect(try JSONValue(parsing: "0.1e1") == .double(1))
        #expect(try JSONValue(parsing: "1e0000000000000000000000001") == .double(10))
    }

    @Test func hugeExponentIsOutOfRange() {
        let error = parseError("[1, 1e400]")
        #expect(error?.offset == 4)
        #expect(error?.message == "number out of range")
    }

    @Test func shortestFormsAreValidJSONAndStayDoubles() throws {
        let cases: [(Double, String)] = [
            (3.0, "3.0"), (1e20, "1e+20"), (Double.leastNonzeroMagnitude, "5e-324"), (-0.0, "-0.0"),
            (0.1, "0.1"), (1e300, "1e+300"), (123_456_789_012_345_680_000.0, "1.2345678901234568e+20"),
            (1e-5, "1e-05"), (1e15, "1000000000000000.0"), (Double.greatestFiniteMagnitude, "1.7976931348623157e+308"),
        ]
        for (d, text) in cases {
            var w = JSONWriter()
            try w.double(d)
            #expect(String(decoding: w.bytes, as: UTF8.self) == text)
            #expect(try JSONValue(parsing: w.bytes) == .double(d), "\(text) must read back as a double")
        }
    }
}
