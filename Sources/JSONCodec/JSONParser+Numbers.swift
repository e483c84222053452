/// Number scanning for `JSONParser`: exact `Int64`s and correctly rounded doubles.
///
/// ```swift
/// // 9223372036854775807 -> integer(Int64.max)    9007199254740993 -> integer (exact)
/// // 9223372036854775808 -> double(9.223372036854776e18)   -0.0 -> double(-0.0)
/// // 1.5e3 -> double(1500.0)   1e400 -> error "number out of range"
/// ```
///
/// Why: Lua 5.4 has real 64-bit integers, so ids must survive unchanged, and doubles
/// must round-trip bit for bit. The grammar is checked by hand (no leading zeros, digits
/// required after `-`, `.` and `e`). Integers are accumulated while scanning. Decimals
/// take the exact fast path when the digits fit in 2^53 and the power of ten is at most
/// 10^22 (both operands are then exact, so the one IEEE multiply or divide rounds
/// correctly); anything else goes to the C library's correctly rounded `strtod` via
/// `Double(String)` on the exact slice.
///
/// Offsets: grammar errors point at the byte where a digit was required (`1.` -> 2,
/// `-` -> 1, `01` -> 1); `number out of range` points at the number's first byte.
extension ParserCore {
    mutating func parseNumber<S: JSONSink>(_ sink: inout S) throws {
        let start = pos
        var i = pos
        let negative = p[i] == ASCII.minus
        if negative { i += 1 }

        // Integer part: "0" or [1-9][0-9]*.
        guard i < end, isDigit(p[i]) else { throw expectedDigit("after '-'", at: i) }
        var mantissa: UInt64 = 0
        var digits = 0  // digits accumulated into `mantissa` (max 19, so it never overflows)
        var dropped = false  // some significant digit beyond the 19 kept: only strtod is exact
        if p[i] == ASCII.zero {
            i += 1
            if i < end, isDigit(p[i]) {
                throw JSONError.decode("leading zeros are not allowed in numbers", at: i)
            }
        } else {
            while i < end, isDigit(p[i]) {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(p[i] &- ASCII.zero)
                    digits += 1
                } else {
                    dropped = true
                }
                i += 1
            }
        }

        var isInteger = true
        var exponent = 0  // decimal exponent to apply to `mantissa`
        if i < end, p[i] == ASCII.dot {
            isInteger = false
            i += 1
            guard i < end, isDigit(p[i]) else { throw expectedDigit("after '.'", at: i) }
            while i < end, isDigit(p[i]) {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(p[i] &- ASCII.zero)
                    if mantissa != 0 { digits += 1 }  // leading fraction zeros cost nothing
                    exponent -= 1
                } else {
                    dropped = true
                }
                i += 1
            }
        }
        if i < end, p[i] | 0x20 == ASCII.lowerE {
            isInteger = false
            i += 1
            var expNegative = false
            if i < end, p[i] == ASCII.minus || p[i] == ASCII.plus {
                expNegative = p[i] == ASCII.minus
                i += 1
            }
            guard i < end, isDigit(p[i]) else { throw expectedDigit("in exponent", at: i) }
            var e = 0
            while i < end, isDigit(p[i]) {
                if e < 100_000 { e = e * 10 + Int(p[i] &- ASCII.zero) }  // saturate: strtod decides
                i += 1
            }
            exponent += expNegative ? -e : e
        }
        pos = i

        // 20+ integer digits (no leading zeros) always exceed Int64, so `dropped` means overflow.
        if isInteger && !dropped {
            if negative {
                if mantissa <= UInt64(Int64.max) + 1 {
                    return try sink.integer(Int64(bitPattern: 0 &- mantissa))
                }
            } else if mantissa <= UInt64(Int64.max) {
                return try sink.integer(Int64(bitPattern: mantissa))
            }
        }
        if !dropped && mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            var d = Double(mantissa)
            if exponent >= 0 { d *= powersOfTen(exponent) } else { d /= powersOfTen(-exponent) }
            return try sink.double(negative ? -d : d)
        }
        try sink.double(slowDouble(from: start, to: i))
    }

    @inline(__always)
    func isDigit(_ c: UInt8) -> Bool { c &- ASCII.zero < 10 }

    @inline(never)
    func expectedDigit(_ context: String, at i: Int) -> JSONError {
        JSONError.decode("expected digit \(context)", at: i)
    }

    /// Correctly rounded conversion of an already validated number slice via `strtod`.
    @inline(never)
    func slowDouble(from start: Int, to stop: Int) throws -> Double {
        let text = String(decoding: UnsafeBufferPointer(start: p + start, count: stop - start), as: UTF8.self)
        guard let d = Double(text), d.isFinite else {
            throw JSONError.decode("number out of range", at: start)
        }
        return d
    }

    /// 10^n for 0 <= n <= 22, all exactly representable as doubles.
    @inline(__always)
    func powersOfTen(_ n: Int) -> Double {
        switch n {
        case 0: 1e0; case 1: 1e1; case 2: 1e2; case 3: 1e3; case 4: 1e4; case 5: 1e5
        case 6: 1e6; case 7: 1e7; case 8: 1e8; case 9: 1e9; case 10: 1e10; case 11: 1e11
        case 12: 1e12; case 13: 1e13; case 14: 1e14; case 15: 1e15; case 16: 1e16
        case 17: 1e17; case 18: 1e18; case 19: 1e19; case 20: 1e20; case 21: 1e21
        default: 1e22
        }
    }
}
