/// Strict RFC 8259 JSON parser that streams events into a `JSONSink`.
///
/// ```swift
/// var sink = MySink()
/// try JSONParser.parse(Array(#"{"id": 42, "tags": ["a"]}"#.utf8), into: &sink)
/// // sink saw: beginObject, key "id", integer 42, key "tags", beginArray,
/// //           string "a", endArray(count: 1), endObject(count: 2)
/// ```
///
/// Why this shape:
/// - Events, not a tree, so each host builds its own structure with no intermediate copy.
/// - Nesting is tracked on an explicit heap stack, never by recursion, so a hostile
///   `[[[[...` cannot overflow a small thread stack; `maxDepth` bounds the work.
/// - It runs on the raw buffer: strings without escapes are handed to the sink as slices
///   of the input, and escaped strings are unescaped into one reused scratch buffer.
/// - Integers stay exact `Int64`s (the full range), other numbers are correctly rounded.
/// - UTF-8 is validated inline while scanning strings; bytes outside strings must be
///   ASCII JSON syntax anyway, so the whole input ends up validated in a single pass.
///
/// Errors are `JSONError`s with the byte offset of the offending byte (see each message's
/// site for the exact convention); errors thrown by the sink propagate unchanged.
public enum JSONParser {
    /// Parses exactly one JSON value (any type) from `bytes`, surrounded only by JSON
    /// whitespace, reporting it to `sink`. Containers nested deeper than `maxDepth` are
    /// rejected (`nesting deeper than 1000`) at the offset of the opening bracket.
    public static func parse<S: JSONSink>(
        _ bytes: UnsafeRawBufferPointer, into sink: inout S, maxDepth: Int = 1000
    ) throws {
        // An empty buffer may have a nil base address; any valid pointer works for 0 bytes.
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw JSONError.decode("unexpected end of input", at: 0)
        }
        var core = ParserCore(base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        defer { core.deallocate() }
        try core.run(&sink, maxDepth: maxDepth)
    }

    /// Array convenience for `parse(_:into:maxDepth:)` on a raw buffer.
    public static func parse<S: JSONSink>(
        _ bytes: [UInt8], into sink: inout S, maxDepth: Int = 1000
    ) throws {
        try bytes.withUnsafeBytes { try parse($0, into: &sink, maxDepth: maxDepth) }
    }
}

/// ASCII codes used by the parser, named for readability.
enum ASCII {
    static let quote: UInt8 = 0x22, backslash: UInt8 = 0x5C, slash: UInt8 = 0x2F
    static let comma: UInt8 = 0x2C, colon: UInt8 = 0x3A, minus: UInt8 = 0x2D, plus: UInt8 = 0x2B
    static let dot: UInt8 = 0x2E, zero: UInt8 = 0x30, nine: UInt8 = 0x39
    static let lowerE: UInt8 = 0x65, upperE: UInt8 = 0x45
    static let openBracket: UInt8 = 0x5B, closeBracket: UInt8 = 0x5D
    static let openBrace: UInt8 = 0x7B, closeBrace: UInt8 = 0x7D
    static let space: UInt8 = 0x20, tab: UInt8 = 0x09, newline: UInt8 = 0x0A, cr: UInt8 = 0x0D
}

/// The parser's mutable state: input cursor, container stack and unescape scratch.
///
/// A struct with unsafe pointers rather than a class so the optimizer can keep `pos` in a
/// register; `deallocate()` must be called once (the public entry point does it in a defer).
struct ParserCore {
    let p: UnsafePointer<UInt8>
    let end: Int
    var pos = 0
    /// One entry per open container: `elementsSoFar << 1 | isObject`.
    var stack: UnsafeMutablePointer<Int>
    var depth = 0
    var stackCapacity = 32
    var scratch = ScratchBuffer()

    init(_ p: UnsafePointer<UInt8>, count: Int) {
        self.p = p
        self.end = count
        stack = .allocate(capacity: stackCapacity)
    }

    func deallocate() {
        stack.deallocate()
        scratch.deallocate()
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < end {
            let c = p[pos]
            // Fast exit for the common case: anything above ' ' is not whitespace.
            if c > ASCII.space { return }
            guard c == ASCII.space || c == ASCII.newline || c == ASCII.cr || c == ASCII.tab else { return }
            pos += 1
        }
    }

    @inline(__always)
    var current: UInt8? { pos < end ? p[pos] : nil }

    mutating func push(isObject: Bool, maxDepth: Int) throws {
        if depth >= maxDepth {
            throw JSONError.decode("nesting deeper than \(maxDepth)", at: pos)
        }
        if depth == stackCapacity { growStack() }
        stack[depth] = isObject ? 1 : 0
        depth += 1
    }

    @inline(never)
    mutating func growStack() {
        let bigger = UnsafeMutablePointer<Int>.allocate(capacity: stackCapacity * 2)
        bigger.moveInitialize(from: stack, count: depth)
        stack.deallocate()
        stack = bigger
        stackCapacity *= 2
    }

    /// Drives the whole parse with one loop and the explicit container stack.
    mutating func run<S: JSONSink>(_ sink: inout S, maxDepth: Int) throws {
        skipWhitespace()
        nextValue: while true {
            // Invariant here: whitespace skipped, a value must start at `pos`.
            guard pos < end else { throw JSONError.decode("unexpected end of input", at: pos) }
            switch p[pos] {
            case ASCII.quote:
                try parseString(&sink, isKey: false)
            case ASCII.minus, ASCII.zero...ASCII.nine:
                try parseNumber(&sink)
            case ASCII.openBrace:
                try push(isObject: true, maxDepth: maxDepth)
                try sink.beginObject()
                pos += 1
                skipWhitespace()
                if current == ASCII.closeBrace {
                    pos += 1
                    depth -= 1
                    try sink.endObject(count: 0)
                } else {
                    try parseKeyAndColon(&sink)
                    continue nextValue
                }
            case ASCII.openBracket:
                try push(isObject: false, maxDepth: maxDepth)
                try sink.beginArray()
                pos += 1
                skipWhitespace()
                if current == ASCII.closeBracket {
                    pos += 1
                    depth -= 1
                    try sink.endArray(count: 0)
                } else {
                    continue nextValue
                }
            case 0x74:  // t
                try expectLiteral(0x6575_7274, "true")  // "true" little-endian
                try sink.bool(true)
            case 0x66:  // f
                try expectFalse()
                try sink.bool(false)
            case 0x6E:  // n
                try expectLiteral(0x6C6C_756E, "null")  // "null" little-endian
                try sink.null()
            default:
                throw unexpectedValueError()
            }

            // A value just ended: close containers or move to the next element.
            while true {
                skipWhitespace()
                if depth == 0 {
                    if pos != end {
                        throw JSONError.decode(
                            "unexpected \(JSONError.describeByte(p[pos])) after top-level value", at: pos)
                    }
                    return
                }
                guard pos < end else { throw JSONError.decode("unexpected end of input", at: pos) }
                let c = p[pos]
                let top = stack[depth - 1]
                if c == ASCII.comma {
                    pos += 1
                    stack[depth - 1] = top &+ 2
                    skipWhitespace()
                    if top & 1 == 1 { try parseKeyAndColon(&sink) }
                    continue nextValue
                }
                let count = (top >> 1) + 1
                if top & 1 == 0 {
                    guard c == ASCII.closeBracket else {
                        throw JSONError.decode("expected ',' or ']' after array element", at: pos)
                    }
                    pos += 1
                    depth -= 1
                    try sink.endArray(count: count)
                } else {
                    guard c == ASCII.closeBrace else {
                        throw JSONError.decode("expected ',' or '}' after object member", at: pos)
                    }
                    pos += 1
                    depth -= 1
                    try sink.endObject(count: count)
                }
            }
        }
    }

    /// Parses `"key"` `:` and the whitespace after it, leaving `pos` at the member value.
    @inline(__always)
    mutating func parseKeyAndColon<S: JSONSink>(_ sink: inout S) throws {
        guard pos < end else { throw JSONError.decode("unexpected end of input", at: pos) }
        guard p[pos] == ASCII.quote else {
            throw JSONError.decode("expected string for object key, found \(JSONError.describeByte(p[pos]))", at: pos)
        }
        try parseString(&sink, isKey: true)
        skipWhitespace()
        guard pos < end else { throw JSONError.decode("unexpected end of input", at: pos) }
        guard p[pos] == ASCII.colon else {
            throw JSONError.decode("expected ':' after object key", at: pos)
        }
        pos += 1
        skipWhitespace()
    }

    /// Matches a 4-byte literal (`true`/`null`) at `pos`; the error points at its first byte.
    @inline(__always)
    mutating func expectLiteral(_ word: UInt32, _ name: String) throws {
        guard pos + 4 <= end,
              UInt32(littleEndian: UnsafeRawPointer(p + pos).loadUnaligned(as: UInt32.self)) == word
        else { throw JSONError.decode("invalid literal, expected '\(name)'", at: pos) }
        pos += 4
    }

    @inline(__always)
    mutating func expectFalse() throws {
        guard pos + 5 <= end,
              UInt32(littleEndian: UnsafeRawPointer(p + pos + 1).loadUnaligned(as: UInt32.self)) == 0x6573_6C61  // "alse"
        else { throw JSONError.decode("invalid literal, expected 'false'", at: pos) }
        pos += 5
    }

    /// Error for a byte that cannot start a value (`]` after a comma, `+1`, `.5`, `'a'`...).
    /// A non-ASCII byte is reported as invalid UTF-8 when it is, since that is the real fault.
    @inline(never)
    func unexpectedValueError() -> JSONError {
        let c = p[pos]
        if c >= 0x80 && utf8SequenceLength(p, at: pos, end: end) == 0 {
            return JSONError.decode("invalid UTF-8", at: pos)
        }
        return JSONError.decode("expected value, found \(JSONError.describeByte(c))", at: pos)
    }
}
