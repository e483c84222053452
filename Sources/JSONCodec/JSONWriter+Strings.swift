/// String escaping for `JSONWriter`.
///
/// ```swift
/// var w = JSONWriter()
/// w.string("tab\there \"q\" \u{1} \u{2028} é")
/// // "tab\there \"q\" \u0001 \u2028 é"
/// ```
///
/// Why these rules: `"` and `\` must be escaped; control characters get the short forms
/// `\b \f \n \r \t` where JSON has them and `\u00XX` otherwise; U+2028/U+2029 are legal
/// in JSON but end lines in JavaScript, so they are escaped to keep output safe to embed
/// in scripts. Everything else, including all valid non-ASCII UTF-8, is copied raw.
///
/// Two passes: `planString` validates and measures the escaped size (so invalid input
/// is rejected before anything is written and the output is reserved exactly), then
/// `writeQuoted` copies in one `memcpy` when nothing needs escaping, which is the norm.
extension JSONWriter {
    /// Size of the escaped string body (without quotes), or with `validate` the offset of
    /// the first ill-formed UTF-8 sequence instead. Swift strings skip validation.
    @inline(__always)
    static func planString(_ utf8: UnsafeRawBufferPointer, validate: Bool) -> (size: Int, invalidAt: Int?) {
        guard let base = utf8.baseAddress else { return (0, nil) }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = utf8.count
        var size = n
        var i = 0
        while i < n {
            let b = p[i]
            if b >= 0x20 && b < 0x80 {
                if b == ASCII.quote || b == ASCII.backslash { size += 1 }
                i += 1
            } else if b < 0x20 {
                size += escapeLength(b) - 1
                i += 1
            } else if isLineSeparator(p, at: i, count: n) {
                size += 3  // 3 bytes become 6
                i += 3
            } else if validate {
                let len = utf8SequenceLength(p, at: i, end: n)
                if len == 0 { return (size, i) }
                i += len
            } else {
                i += 1  // continuation bytes are never E2, so stepping 1 is safe
            }
        }
        return (size, nil)
    }

    /// `planString` with validation, throwing `invalid UTF-8 in string at byte N`.
    @inline(__always)
    static func validatedSize(_ utf8: UnsafeRawBufferPointer) throws -> Int {
        let plan = planString(utf8, validate: true)
        if let offset = plan.invalidAt {
            throw JSONError.encode("invalid UTF-8 in string at byte \(offset)")
        }
        return plan.size
    }

    /// Writes `"` + escaped body + `"` at `out`; `escapedCount` is `planString`'s result.
    @inline(__always)
    static func writeQuoted(_ utf8: UnsafeRawBufferPointer, escapedCount: Int, at out: UnsafeMutablePointer<UInt8>) -> Int {
        out[0] = ASCII.quote
        let n = utf8.count
        if escapedCount == n {
            if n > 0 { (out + 1).initialize(from: utf8.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n) }
        } else {
            writeEscaped(utf8.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n, at: out + 1)
        }
        out[escapedCount + 1] = ASCII.quote
        return escapedCount + 2
    }

    @inline(__always)
    static func isLineSeparator(_ p: UnsafePointer<UInt8>, at i: Int, count n: Int) -> Bool {
        // U+2028 / U+2029 are E2 80 A8 / E2 80 A9.
        p[i] == 0xE2 && i + 2 < n && p[i + 1] == 0x80 && p[i + 2] & 0xFE == 0xA8
    }

    @inline(__always)
    static func escapeLength(_ b: UInt8) -> Int {
        switch b {
        case 0x08, 0x09, 0x0A, 0x0C, 0x0D: 2
        default: 6
        }
    }

    /// Slow path: copies with escapes. The input is known valid and sized by `planString`.
    @inline(never)
    static func writeEscaped(_ p: UnsafePointer<UInt8>, count n: Int, at out: UnsafeMutablePointer<UInt8>) {
        var o = 0
        var i = 0
        while i < n {
            let b = p[i]
            if b >= 0x20 && b != ASCII.quote && b != ASCII.backslash {
                if b >= 0x80 && isLineSeparator(p, at: i, count: n) {
                    // \u2028 or \u2029, packed little-endian.
                    let word: UInt64 = p[i + 2] == 0xA8 ? 0x3832_3032_755C : 0x3932_3032_755C
                    storeShortEscape(word, at: out + o)
                    o += 6
                    i += 3
                    continue
                }
                out[o] = b
                o += 1
                i += 1
                continue
            }
            o += writeEscape(b, at: out + o)
            i += 1
        }
    }

    /// Stores the low 6 bytes of `word` at `p` (little-endian).
    @inline(__always)
    static func storeShortEscape(_ word: UInt64, at p: UnsafeMutablePointer<UInt8>) {
        var w = word
        for k in 0..<6 {
            p[k] = UInt8(truncatingIfNeeded: w)
            w >>= 8
        }
    }

    /// Escape for `"`, `\` or a control character; returns its length.
    static func writeEscape(_ b: UInt8, at p: UnsafeMutablePointer<UInt8>) -> Int {
        let short: UInt8
        switch b {
        case ASCII.quote: short = ASCII.quote
        case ASCII.backslash: short = ASCII.backslash
        case 0x08: short = 0x62  // b
        case 0x0C: short = 0x66  // f
        case 0x0A: short = 0x6E  // n
        case 0x0D: short = 0x72  // r
        case 0x09: short = 0x74  // t
        default:
            // \u00XX with lowercase hex; b < 0x20, so the high digit is 0 or 1.
            let low = b & 0xF
            let lowDigit = UInt64(low < 10 ? 0x30 + low : 0x57 + low)
            storeShortEscape(0x3030_755C | UInt64(0x30 + (b >> 4)) << 32 | lowDigit << 40, at: p)
            return 6
        }
        p[0] = ASCII.backslash
        p[1] = short
        return 2
    }
}
