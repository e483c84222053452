/// A JSON document as a Swift value, keeping integers and doubles apart.
///
/// ```swift
/// let user = try JSONValue(parsing: #"{"id": 9007199254740993, "name": "Ada", "tags": []}"#)
/// user["id"]?.intValue        // 9007199254740993 (exact, not rounded through Double)
/// user["name"]?.stringValue   // "Ada"
/// user["tags"]?[0]            // nil (empty array stays an array)
/// let out = try user.encodedString()  // {"id":9007199254740993,"name":"Ada","tags":[]}
/// ```
///
/// Why separate `integer` and `double`: a Lua host has both number subtypes, and ids
/// above 2^53 must not be silently rounded. `1` parses as `.integer(1)` and `1.0` as
/// `.double(1.0)`; the two are *not* equal as `JSONValue`s, so what you parse is what you
/// write back.
///
/// Objects are `[String: JSONValue]`: member order is not kept (encoding sorts keys by
/// their UTF-8 bytes so output is stable), duplicate keys keep the last value, and keys
/// compare with Swift `String` equality (canonically equivalent keys collide).
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    /// The member named `key` if this is an object that has it, else `nil`.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// The element at `index` if this is an array and the index is in range, else `nil`.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The integer, or a double with an exact `Int64` value (`2.0` -> 2, `2.5` -> nil).
    public var intValue: Int64? {
        switch self {
        case .integer(let i): return i
        case .double(let d):
            // Not `Int64(exactly:)`: it calls libm's `trunc`, which would make every client
            // link libm. The range check also rejects NaN.
            guard d >= -0x1p63, d < 0x1p63 else { return nil }
            let i = Int64(d)
            return Double(i) == d ? i : nil
        default: return nil
        }
    }

    /// The number as a `Double` (integers are converted, possibly rounding above 2^53).
    public var doubleValue: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }
}

extension JSONValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self = .integer(value) }
}

extension JSONValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    /// Later duplicates win, matching how parsed objects treat repeated keys.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var members = [String: JSONValue](minimumCapacity: elements.count)
        for (key, value) in elements { members[key] = value }
        self = .object(members)
    }
}
