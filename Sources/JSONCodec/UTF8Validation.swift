/// Strict UTF-8 well-formedness checks shared by the parser and the writer.
///
/// ```swift
/// // C3 A9 is "é"; C0 AF is an overlong "/".
/// utf8SequenceLength([0xC3, 0xA9], at: 0, end: 2)  // 2
/// utf8SequenceLength([0xC0, 0xAF], at: 0, end: 2)  // 0 (invalid)
/// ```
///
/// Why hand-rolled: the parser checks multi-byte sequences inline while it scans a
/// string (ASCII never reaches this code), so validation costs nothing for ASCII and
/// never needs a second pass. The table is Unicode 15 Table 3-7 ("well-formed UTF-8
/// byte sequences"), which rejects overlongs, UTF-16 surrogates encoded in UTF-8,
/// code points above U+10FFFF and truncated sequences.
///
/// Offsets reported for invalid input are those of the *first byte of the ill-formed
/// sequence* (the lead byte, or a stray continuation byte), the same convention Python
/// uses, so `"a\u{E0}\u{80}\u{80}"` fails at offset 1.

/// Length (2...4) of the well-formed multi-byte sequence that starts at `p[i]`, or 0 if
/// the bytes from `i` (bounded by `end`) are not one. `p[i]` must be >= 0x80.
@inline(__always)
func utf8SequenceLength(_ p: UnsafePointer<UInt8>, at i: Int, end: Int) -> Int {
    let b0 = p[i]
    if b0 < 0xC2 { return 0 }  // continuation byte as lead, or overlong C0/C1
    if b0 < 0xE0 {
        guard i + 1 < end, p[i + 1] & 0xC0 == 0x80 else { return 0 }
        return 2
    }
    if b0 < 0xF0 {
        guard i + 2 < end else { return 0 }
        let b1 = p[i + 1]
        let lo: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80  // E0 80..9F would be overlong
        let hi: UInt8 = b0 == 0xED ? 0x9F : 0xBF  // ED A0..BF would be a surrogate
        guard b1 >= lo, b1 <= hi, p[i + 2] & 0xC0 == 0x80 else { return 0 }
        return 3
    }
    if b0 < 0xF5 {
        guard i + 3 < end else { return 0 }
        let b1 = p[i + 1]
        let lo: UInt8 = b0 == 0xF0 ? 0x90 : 0x80  // F0 80..8F would be overlong
        let hi: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF  // F4 90.. would exceed U+10FFFF
        guard b1 >= lo, b1 <= hi, p[i + 2] & 0xC0 == 0x80, p[i + 3] & 0xC0 == 0x80 else { return 0 }
        return 4
    }
    return 0  // F5..FF never appear in UTF-8
}

/// Convenience for tests and callers holding an array.
func utf8SequenceLength(_ bytes: [UInt8], at i: Int, end: Int) -> Int {
    bytes.withUnsafeBufferPointer { utf8SequenceLength($0.baseAddress!, at: i, end: end) }
}

/// Offset of the first ill-formed sequence in `bytes`, or `nil` if all of it is valid UTF-8.
///
/// ```swift
/// firstInvalidUTF8Offset(UnsafeRawBufferPointer(...))  // nil for "héllo"
/// ```
func firstInvalidUTF8Offset(_ bytes: UnsafeRawBufferPointer) -> Int? {
    guard let base = bytes.baseAddress else { return nil }
    let p = base.assumingMemoryBound(to: UInt8.self)
    let end = bytes.count
    var i = 0
    while i < end {
        if p[i] < 0x80 { i += 1; continue }
        let n = utf8SequenceLength(p, at: i, end: end)
        if n == 0 { return i }
        i += n
    }
    return nil
}
