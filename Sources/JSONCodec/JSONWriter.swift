/// Builds JSON text from a sequence of calls, inserting commas, colons and indentation.
///
/// ```swift
/// var w = JSONWriter(indent: 2)
/// w.beginObject()
/// w.key("ids"); w.beginArray(); w.integer(1); w.integer(2); w.endArray()
/// w.key("ok");  w.bool(true)
/// w.endObject()
/// String(decoding: w.bytes, as: UTF8.self)
/// // {
/// //   "ids": [
/// //     1,
/// //     2
/// //   ],
/// //   "ok": true
/// // }
/// ```
///
/// Why a call-driven writer: hosts (the Lua encoder, `JSONValue`) walk their own
/// structures and decide key order themselves; the writer only owns the syntax. It
/// tracks the container stack so callers never emit separators, and it validates and
/// escapes strings so the output is always valid JSON as long as calls are balanced:
/// one top-level value, and in objects `key` before each value (checked by `assert`).
///
/// Formatting: `indent == 0` is compact (`{"a":[1,2]}`); `indent > 0` puts a newline
/// after `[`, `{` and `,`, indents each level by `indent` spaces, writes `"key": value`,
/// and keeps empty containers as `[]` and `{}`.
///
/// Speed: every call reserves its worst case once and writes separator and token through
/// a raw pointer in one step, instead of appending byte by byte.
public struct JSONWriter {
    /// The UTF-8 output so far. Complete JSON once the top-level value is finished.
    public var bytes: [UInt8] = []
    /// Spaces per nesting level; 0 means compact output.
    public let indent: Int

    /// Open containers, innermost last: true for objects (used for balance checks).
    var containers: [Bool] = []
    /// No element has been written yet in the innermost open container.
    var isFirst = true
    /// A key was just written, so the next value follows its colon directly.
    var afterKey = false

    public init(indent: Int = 0) {
        precondition(indent >= 0, "indent must not be negative")
        self.indent = indent
        bytes.reserveCapacity(256)
    }

    /// Reserves output space when the caller can estimate the size.
    public mutating func reserveCapacity(_ n: Int) {
        bytes.reserveCapacity(n)
    }

    // MARK: Containers

    public mutating func beginArray() {
        open(ASCII.openBracket, isObject: false)
    }

    public mutating func endArray() {
        assert(containers.last == false && !afterKey, "endArray() without a matching beginArray()")
        close(ASCII.closeBracket)
    }

    public mutating func beginObject() {
        open(ASCII.openBrace, isObject: true)
    }

    public mutating func endObject() {
        assert(containers.last == true && !afterKey, "endObject() without a matching beginObject(), or key without value")
        close(ASCII.closeBrace)
    }

    mutating func open(_ bracket: UInt8, isObject: Bool) {
        let separator = valueSeparator()
        emit(upTo: separatorLimit + 1) { p in
            let n = Self.writeSeparator(separator, at: p)
            p[n] = bracket
            return n + 1
        }
        containers.append(isObject)
        isFirst = true
    }

    mutating func close(_ bracket: UInt8) {
        containers.removeLast()
        // After the pop, `separatorLimit` and the indentation are those of the parent level.
        var separator = Separator()
        if indent > 0 && !isFirst {
            separator.newline = true
            separator.spaces = indent * containers.count
        }
        emit(upTo: separatorLimit + 1) { p in
            let n = Self.writeSeparator(separator, at: p)
            p[n] = bracket
            return n + 1
        }
        isFirst = false
    }

    // MARK: Keys

    /// Writes an object key from raw bytes, validating UTF-8.
    /// Throws `invalid UTF-8 in string at byte N` (N within `utf8`) and writes nothing then.
    public mutating func key(_ utf8: UnsafeRawBufferPointer) throws {
        assert(containers.last == true && !afterKey, "key outside an object or two keys in a row")
        let plan = try Self.validatedSize(utf8)
        writeKey(utf8, plan)
    }

    /// Writes an object key; a Swift `String` is valid UTF-8, so this cannot fail.
    public mutating func key(_ s: String) {
        assert(containers.last == true && !afterKey, "key outside an object or two keys in a row")
        var s = s
        s.withUTF8 { utf8 in
            let raw = UnsafeRawBufferPointer(utf8)
            let plan = Self.planString(raw, validate: false).size
            writeKey(raw, plan)
        }
    }

    mutating func writeKey(_ utf8: UnsafeRawBufferPointer, _ escapedCount: Int) {
        let separator = elementSeparator()
        afterKey = true
        let pretty = indent > 0
        emit(upTo: separatorLimit + escapedCount + 4) { p in
            var n = Self.writeSeparator(separator, at: p)
            n += Self.writeQuoted(utf8, escapedCount: escapedCount, at: p + n)
            p[n] = ASCII.colon
            n += 1
            if pretty {
                p[n] = ASCII.space
                n += 1
            }
            return n
        }
    }

    // MARK: Scalars

    /// Writes a string value from raw bytes, validating UTF-8 (error: see `key(_:)`).
    public mutating func string(_ utf8: UnsafeRawBufferPointer) throws {
        let plan = try Self.validatedSize(utf8)
        writeStringValue(utf8, plan)
    }

    public mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            let raw = UnsafeRawBufferPointer(utf8)
            let plan = Self.planString(raw, validate: false).size
            writeStringValue(raw, plan)
        }
    }

    mutating func writeStringValue(_ utf8: UnsafeRawBufferPointer, _ escapedCount: Int) {
        let separator = valueSeparator()
        emit(upTo: separatorLimit + escapedCount + 2) { p in
            let n = Self.writeSeparator(separator, at: p)
            return n + Self.writeQuoted(utf8, escapedCount: escapedCount, at: p + n)
        }
    }

    /// Writes the integer exactly.
    public mutating func integer(_ v: Int64) {
        let separator = valueSeparator()
        emit(upTo: separatorLimit + 20) { p in
            let n = Self.writeSeparator(separator, at: p)
            return n + Self.writeDecimal(v, at: p + n)
        }
    }

    /// Writes the shortest text that reads back as exactly `v`, always with a `.` or an
    /// exponent so it reads back as a double: Swift's `description` (`3.0`, `1e+20`,
    /// `-0.0`, `5e-324`), every form of which is valid JSON for finite values.
    /// Throws `cannot encode NaN or infinity`, which JSON cannot represent.
    public mutating func double(_ v: Double) throws {
        guard v.isFinite else { throw JSONError.encode("cannot encode NaN or infinity") }
        var text = v.description
        text.withUTF8 { utf8 in writeRawToken(utf8) }
    }

    public mutating func bool(_ v: Bool) {
        if v {
            writeRawToken(0x6575_7274, count: 4)  // "true"
        } else {
            writeRawToken(0x65_736C_6166, count: 5)  // "false"
        }
    }

    public mutating func null() {
        writeRawToken(0x6C6C_756E, count: 4)  // "null"
    }

    /// Separator plus up to 8 ASCII bytes packed little-endian into `word`.
    mutating func writeRawToken(_ word: UInt64, count: Int) {
        let separator = valueSeparator()
        emit(upTo: separatorLimit + 8) { p in
            let n = Self.writeSeparator(separator, at: p)
            UnsafeMutableRawPointer(p + n).storeBytes(of: word.littleEndian, as: UInt64.self)
            return n + count
        }
    }

    /// Separator plus bytes copied verbatim (already valid JSON).
    mutating func writeRawToken(_ token: UnsafeBufferPointer<UInt8>) {
        let separator = valueSeparator()
        emit(upTo: separatorLimit + token.count) { p in
            let n = Self.writeSeparator(separator, at: p)
            (p + n).initialize(from: token.baseAddress!, count: token.count)
            return n + token.count
        }
    }
}
