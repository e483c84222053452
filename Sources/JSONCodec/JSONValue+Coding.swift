/// Parsing text into `JSONValue` and writing it back out.
///
/// ```swift
/// let v = try JSONValue(parsing: #"{"b": [1, 2.5], "a": {}}"#)
/// try v.encodedString()            // {"a":{},"b":[1,2.5]}
/// try v.encodedString(indent: 2)   // same, pretty, keys still sorted
/// ```
///
/// Why: `JSONValue` is a thin layer over the streaming pieces. Parsing uses a value-stack
/// sink, so no tree is built twice; encoding walks the tree with an explicit stack (no
/// recursion per level) and sorts object keys by their UTF-8 bytes, so the same value
/// always produces the same bytes regardless of dictionary order.
extension JSONValue {
    /// Parses one JSON document from UTF-8 bytes. Throws `JSONError` with a byte offset.
    public init(parsing bytes: [UInt8], maxDepth: Int = 1000) throws {
        var builder = JSONValueBuilder()
        try JSONParser.parse(bytes, into: &builder, maxDepth: maxDepth)
        self = builder.result
    }

    /// Parses one JSON document from a string (offsets count its UTF-8 bytes).
    public init(parsing string: String, maxDepth: Int = 1000) throws {
        var string = string
        var builder = JSONValueBuilder()
        try string.withUTF8 { utf8 in
            try JSONParser.parse(UnsafeRawBufferPointer(utf8), into: &builder, maxDepth: maxDepth)
        }
        self = builder.result
    }

    /// The JSON text as UTF-8: compact for `indent == 0`, else pretty with `indent` spaces.
    /// Throws only `cannot encode NaN or infinity`.
    public func encoded(indent: Int = 0) throws -> [UInt8] {
        var writer = JSONWriter(indent: indent)
        try write(to: &writer)
        return writer.bytes
    }

    /// `encoded(indent:)` as a `String`.
    public func encodedString(indent: Int = 0) throws -> String {
        String(decoding: try encoded(indent: indent), as: UTF8.self)
    }

    /// Writes this value as one value into `writer` (e.g. as a member of a larger document).
    public func write(to writer: inout JSONWriter) throws {
        var stack: [EncodeFrame] = []
        var next: JSONValue? = self
        while true {
            if let value = next {
                next = nil
                switch value {
                case .null: writer.null()
                case .bool(let b): writer.bool(b)
                case .integer(let i): writer.integer(i)
                case .double(let d): try writer.double(d)
                case .string(let s): writer.string(s)
                case .array(let elements):
                    writer.beginArray()
                    if elements.isEmpty { writer.endArray() } else { stack.append(EncodeFrame(elements: elements)) }
                case .object(let members):
                    writer.beginObject()
                    if members.isEmpty { writer.endObject() } else { stack.append(EncodeFrame(members: members)) }
                }
            }
            guard !stack.isEmpty else { return }
            let top = stack.count - 1
            let index = stack[top].index
            if stack[top].isObject {
                if index < stack[top].order.count {
                    let member = stack[top].members[stack[top].order[index].index]
                    writer.key(member.key)
                    next = member.value
                    stack[top].index = index + 1
                } else {
                    stack.removeLast()
                    writer.endObject()
                }
            } else {
                if index < stack[top].elements.count {
                    next = stack[top].elements[index]
                    stack[top].index = index + 1
                } else {
                    stack.removeLast()
                    writer.endArray()
                }
            }
        }
    }
}

/// One open container while encoding.
private struct EncodeFrame {
    typealias Members = [String: JSONValue]
    var elements: [JSONValue] = []
    var members: Members = [:]
    /// Member positions in key order, with each key's first 8 bytes (big-endian) so most
    /// comparisons are one integer compare instead of a string compare.
    var order: [(prefix: UInt64, index: Members.Index)] = []
    var isObject = false
    var index = 0

    init(elements: [JSONValue]) { self.elements = elements }

    init(members: Members) {
        self.members = members
        isObject = true
        order.reserveCapacity(members.count)
        var i = members.startIndex
        while i != members.endIndex {
            order.append((utf8Prefix(members.keys[i]), i))
            members.formIndex(after: &i)
        }
        order.sort { a, b in
            a.prefix != b.prefix ? a.prefix < b.prefix : utf8Precedes(members.keys[a.index], members.keys[b.index])
        }
    }
}

/// The first 8 UTF-8 bytes of `s` as a big-endian integer, zero padded: comparing two
/// prefixes orders keys like `utf8Precedes` unless they are equal (then compare fully).
func utf8Prefix(_ s: String) -> UInt64 {
    var s = s
    return s.withUTF8 { utf8 in
        var v: UInt64 = 0
        let n = min(utf8.count, 8)
        for i in 0..<n { v |= UInt64(utf8[i]) << (56 - 8 * i) }
        return v
    }
}

/// Byte-wise UTF-8 order, which equals code point order. `String.<` is not used because
/// it compares canonically normalized text, which is not a stable byte order.
func utf8Precedes(_ a: String, _ b: String) -> Bool {
    var a = a, b = b
    return a.withUTF8 { x in
        b.withUTF8 { y in
            let n = min(x.count, y.count)
            var i = 0
            while i < n {
                if x[i] != y[i] { return x[i] < y[i] }
                i += 1
            }
            return x.count < y.count
        }
    }
}

/// Builds a `JSONValue` from parse events with one value stack and one key stack:
/// a container's children are the top `count` entries when it ends.
struct JSONValueBuilder: JSONSink {
    var values: [JSONValue] = []
    var keys: [String] = []

    var result: JSONValue { values[0] }

    init() {
        values.reserveCapacity(64)
        keys.reserveCapacity(64)
    }

    mutating func beginArray() {}

    mutating func endArray(count: Int) {
        let start = values.count - count
        let elements = Array(values[start...])
        values.removeSubrange(start...)
        values.append(.array(elements))
    }

    mutating func beginObject() {}

    mutating func key(_ utf8: UnsafeRawBufferPointer) {
        keys.append(String(decoding: utf8, as: UTF8.self))
    }

    mutating func endObject(count: Int) {
        let valueStart = values.count - count
        let keyStart = keys.count - count
        var members = [String: JSONValue](minimumCapacity: count)
        for j in 0..<count {
            members[keys[keyStart + j]] = values[valueStart + j]  // later duplicates win
        }
        values.removeSubrange(valueStart...)
        keys.removeSubrange(keyStart...)
        values.append(.object(members))
    }

    mutating func string(_ utf8: UnsafeRawBufferPointer) {
        values.append(.string(String(decoding: utf8, as: UTF8.self)))
    }

    mutating func integer(_ value: Int64) { values.append(.integer(value)) }
    mutating func double(_ value: Double) { values.append(.double(value)) }
    mutating func bool(_ value: Bool) { values.append(.bool(value)) }
    mutating func null() { values.append(.null) }
}
