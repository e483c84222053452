/// Low-level output for `JSONWriter`: separators, reservation and number digits.
///
/// ```swift
/// // Inside a writer method: one reservation, one raw write, one count update.
/// emit(upTo: separatorLimit + 20) { p in writeSeparator(sep, at: p) + ... }
/// ```
///
/// Why: appending to `[UInt8]` one byte at a time pays a uniqueness and capacity check
/// per byte. `Array.append(addingCapacity:initializingWith:)` pays them once per token
/// and lets the writer fill the reserved space through a pointer.
extension JSONWriter {
    /// What goes before the next token: a comma, and (pretty only) a newline followed by
    /// `spaces` spaces. Precomputed so the raw write needs no access to `self`.
    struct Separator {
        var comma = false
        var newline = false
        var spaces = 0
    }

    /// Upper bound of bytes any separator can take at the current depth.
    @inline(__always)
    var separatorLimit: Int { indent > 0 ? 2 + indent * containers.count : 1 }

    /// Separator before a value, updating the container state: nothing after a key or
    /// at top level, else a comma unless it is the first element.
    @inline(__always)
    mutating func valueSeparator() -> Separator {
        if afterKey {
            afterKey = false
            return Separator()
        }
        if containers.isEmpty { return Separator() }
        return elementSeparator()
    }

    /// Separator before an array element or an object key.
    @inline(__always)
    mutating func elementSeparator() -> Separator {
        let comma = !isFirst
        isFirst = false
        return Separator(comma: comma, newline: indent > 0, spaces: indent * containers.count)
    }

    @inline(__always)
    static func writeSeparator(_ s: Separator, at p: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        if s.comma {
            p[0] = ASCII.comma
            n = 1
        }
        if s.newline {
            p[n] = ASCII.newline
            n += 1
            (p + n).initialize(repeating: ASCII.space, count: s.spaces)
            n += s.spaces
        }
        return n
    }

    /// Reserves `limit` bytes and lets `body` fill them; `body` returns how many it wrote.
    @inline(__always)
    mutating func emit(upTo limit: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        bytes.append(addingCapacity: limit) { span in
            span.withUnsafeMutableBufferPointer { buffer, initialized in
                initialized = body(buffer.baseAddress!)
            }
        }
    }

    /// Decimal digits of `v` at `p` (at most 20 bytes: `-9223372036854775808`).
    @inline(__always)
    static func writeDecimal(_ v: Int64, at p: UnsafeMutablePointer<UInt8>) -> Int {
        if v >= 0 && v < 10 {
            p[0] = ASCII.zero &+ UInt8(truncatingIfNeeded: v)
            return 1
        }
        var magnitude = v.magnitude
        var digits = 0
        var probe = magnitude
        repeat {
            digits += 1
            probe /= 10
        } while probe != 0
        let sign = v < 0 ? 1 : 0
        if sign == 1 { p[0] = ASCII.minus }
        var i = sign + digits
        repeat {
            i -= 1
            p[i] = ASCII.zero &+ UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
        } while magnitude != 0
        return sign + digits
    }
}
