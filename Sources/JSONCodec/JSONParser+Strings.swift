/// String scanning and unescaping for `JSONParser`.
///
/// ```swift
/// // "caf\u00e9 \ud83d\ude00" reaches the sink as the bytes of "café 😀".
/// ```
///
/// Why two paths: most strings in real documents (ids, dates, names) have no escapes,
/// so the fast path only scans and hands the sink a slice of the input, eight ASCII bytes
/// per step. The first backslash switches to the slow path, which unescapes into one
/// scratch buffer reused for the whole parse.
///
/// Offsets: unterminated strings are reported at the opening quote; control characters,
/// invalid UTF-8 and bad escapes at their own first byte (a `\u` escape at its backslash,
/// a broken surrogate pair at the backslash of its first half).
extension ParserCore {
    /// Parses the string whose opening quote is at `pos` and reports it as a key or value.
    @inline(__always)
    mutating func parseString<S: JSONSink>(_ sink: inout S, isKey: Bool) throws {
        let quote = pos
        var i = pos + 1
        while true {
            // Eight bytes at a time: skip plain printable ASCII, jump to the first other byte.
            if i + 8 <= end {
                let v = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
                let mask = specialByteMask(v)
                if mask == 0 {
                    i += 8
                    continue
                }
                i += mask.trailingZeroBitCount >> 3
            } else if i >= end {
                throw JSONError.decode("unterminated string", at: quote)
            }
            let b = p[i]
            if b == ASCII.quote {
                pos = i + 1
                let slice = UnsafeRawBufferPointer(start: p + quote + 1, count: i - quote - 1)
                if isKey { try sink.key(slice) } else { try sink.string(slice) }
                return
            }
            if b == ASCII.backslash {
                try parseEscapedString(&sink, isKey: isKey, quote: quote, firstEscape: i)
                return
            }
            if b < 0x20 { throw controlCharacterError(b, at: i) }
            if b >= 0x80 {
                let n = utf8SequenceLength(p, at: i, end: end)
                if n == 0 { throw JSONError.decode("invalid UTF-8", at: i) }
                i += n
            } else {
                i += 1
            }
        }
    }

    /// High bit set in each byte of `v` (little-endian) that is `"`, `\`, below 0x20 or at
    /// least 0x80, so the lowest set bit marks the first byte the scalar loop must look at.
    /// Bytes above the first such byte may be flagged spuriously (borrows propagate
    /// upward), the lowest never is.
    @inline(__always)
    func specialByteMask(_ v: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let q = v ^ (ones &* UInt64(ASCII.quote))
        let b = v ^ (ones &* UInt64(ASCII.backslash))
        // (x - 0x01..) & ~x flags bytes of x that are zero; the 0x20 variant flags bytes
        // below 0x20 (bytes >= 0x80 are flagged by `v` itself).
        let special = ((q &- ones) & ~q) | ((b &- ones) & ~b) | ((v &- ones &* 0x20) & ~v) | v
        return special & highs
    }

    @inline(never)
    func controlCharacterError(_ b: UInt8, at i: Int) -> JSONError {
        JSONError.decode("unescaped control character \(JSONError.describeByte(b)) in string", at: i)
    }

    /// Slow path: unescapes from `firstEscape` to the closing quote into `scratch`.
    @inline(never)
    mutating func parseEscapedString<S: JSONSink>(
        _ sink: inout S, isKey: Bool, quote: Int, firstEscape: Int
    ) throws {
        scratch.count = 0
        scratch.append(p + quote + 1, count: firstEscape - quote - 1)
        var i = firstEscape
        var runStart = i
        while true {
            guard i < end else { throw JSONError.decode("unterminated string", at: quote) }
            let b = p[i]
            if b == ASCII.quote {
                scratch.append(p + runStart, count: i - runStart)
                pos = i + 1
                let slice = UnsafeRawBufferPointer(start: scratch.base, count: scratch.count)
                if isKey { try sink.key(slice) } else { try sink.string(slice) }
                return
            }
            if b == ASCII.backslash {
                scratch.append(p + runStart, count: i - runStart)
                i = try unescape(at: i, quote: quote)
                runStart = i
                continue
            }
            if b < 0x20 { throw controlCharacterError(b, at: i) }
            if b >= 0x80 {
                let n = utf8SequenceLength(p, at: i, end: end)
                if n == 0 { throw JSONError.decode("invalid UTF-8", at: i) }
                i += n
            } else {
                i += 1
            }
        }
    }

    /// Decodes the escape whose backslash is at `i` into `scratch`; returns the index after it.
    mutating func unescape(at i: Int, quote: Int) throws -> Int {
        guard i + 1 < end else { throw JSONError.decode("unterminated string", at: quote) }
        let e = p[i + 1]
        let simple: UInt8
        switch e {
        case ASCII.quote, ASCII.backslash, ASCII.slash: simple = e
        case 0x62: simple = 0x08  // \b
        case 0x66: simple = 0x0C  // \f
        case 0x6E: simple = 0x0A  // \n
        case 0x72: simple = 0x0D  // \r
        case 0x74: simple = 0x09  // \t
        case 0x75:  // \u
            return try unescapeUnicode(at: i)
        default:
            let shown = e >= 0x21 && e < 0x7F ? "'\\\(Character(Unicode.Scalar(e)))'" : JSONError.describeByte(e)
            throw JSONError.decode("invalid escape \(shown) in string", at: i)
        }
        scratch.append(simple)
        return i + 2
    }

    /// Decodes `\uXXXX` (or a `\uD8xx\uDCxx` pair) at `i` into UTF-8 in `scratch`.
    mutating func unescapeUnicode(at i: Int) throws -> Int {
        guard let unit = hex4(at: i + 2) else {
            throw JSONError.decode("invalid \\u escape, expected 4 hex digits", at: i)
        }
        var scalar = UInt32(unit)
        var next = i + 6
        if unit >= 0xD800 && unit <= 0xDFFF {
            guard unit <= 0xDBFF else { throw unpairedSurrogate(unit, at: i) }
            guard next + 1 < end, p[next] == ASCII.backslash, p[next + 1] == 0x75 else {
                throw unpairedSurrogate(unit, at: i)
            }
            guard let low = hex4(at: next + 2) else {
                throw JSONError.decode("invalid \\u escape, expected 4 hex digits", at: next)
            }
            guard low >= 0xDC00 && low <= 0xDFFF else { throw unpairedSurrogate(unit, at: i) }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            next += 6
        }
        scratch.appendUTF8(scalar)
        return next
    }

    @inline(never)
    func unpairedSurrogate(_ unit: UInt16, at i: Int) -> JSONError {
        let hex = String(unit, radix: 16, uppercase: true)
        return JSONError.decode("unpaired surrogate \\u\(hex) in string", at: i)
    }

    /// The value of four hex digits at `i`, or nil if they are missing or not hex.
    @inline(__always)
    func hex4(at i: Int) -> UInt16? {
        guard i + 4 <= end else { return nil }
        var v: UInt16 = 0
        for k in 0..<4 {
            let c = p[i + k]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c &- 0x30
            case 0x41...0x46: d = c &- 0x41 &+ 10
            case 0x61...0x66: d = c &- 0x61 &+ 10
            default: return nil
            }
            v = v << 4 | UInt16(d)
        }
        return v
    }
}

/// A growable byte buffer reused for every escaped string of one parse.
///
/// Manual memory instead of `[UInt8]` so appends have no uniqueness checks and the buffer
/// can be handed to the sink as a raw pointer without `withUnsafeBytes` closures.
struct ScratchBuffer {
    var base: UnsafeMutablePointer<UInt8>?
    var count = 0
    var capacity = 0

    func deallocate() { base?.deallocate() }

    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    @inline(never)
    mutating func grow(to needed: Int) {
        let newCapacity = Swift.max(needed, capacity * 2, 256)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        if let base {
            bigger.moveInitialize(from: base, count: count)
            base.deallocate()
        }
        base = bigger
        capacity = newCapacity
    }

    @inline(__always)
    mutating func append(_ src: UnsafePointer<UInt8>, count n: Int) {
        guard n > 0 else { return }
        reserve(n)
        (base! + count).initialize(from: src, count: n)
        count += n
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        base![count] = byte
        count += 1
    }

    /// Appends the UTF-8 encoding of a scalar value (never a surrogate, at most U+10FFFF).
    mutating func appendUTF8(_ s: UInt32) {
        reserve(4)
        let b = base! + count
        if s < 0x80 {
            b[0] = UInt8(s)
            count += 1
        } else if s < 0x800 {
            b[0] = UInt8(0xC0 | s >> 6)
            b[1] = UInt8(0x80 | s & 0x3F)
            count += 2
        } else if s < 0x10000 {
            b[0] = UInt8(0xE0 | s >> 12)
            b[1] = UInt8(0x80 | s >> 6 & 0x3F)
            b[2] = UInt8(0x80 | s & 0x3F)
            count += 3
        } else {
            b[0] = UInt8(0xF0 | s >> 18)
            b[1] = UInt8(0x80 | s >> 12 & 0x3F)
            b[2] = UInt8(0x80 | s >> 6 & 0x3F)
            b[3] = UInt8(0x80 | s & 0x3F)
            count += 4
        }
    }
}
