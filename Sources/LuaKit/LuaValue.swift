/// A Lua value on the Swift side.
///
/// ```swift
/// let v: LuaValue = ["name": "Kelly", "age": 34]
/// try state.setGlobal("customer", v)
/// ```
///
/// Integers stay integers (`.integer`), floats are `.number`, strings are bytes (invalid UTF-8
/// is kept as is). Tables are copied by value (`LuaTable`); functions, userdata and threads
/// cross by reference and stay valid only while their state is open.
/// Deliberate exclusions: `UInt64` does not fit `lua_Integer`; bytes are a `.string`, not an
/// array of numbers.
public enum LuaValue: Hashable {
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string(LuaString)
    case table(LuaTable)
    /// A Swift closure, pushed as a Lua function (through the C trampoline).
    case hostFunction(LuaHostFunction)
    /// A Lua function held in the registry.
    case function(LuaReference)
    case userdata(LuaReference)
    case thread(LuaReference)
    case lightUserdata(UnsafeMutableRawPointer?)

    /// The Lua type name, as `type()` reports it.
    public var typeName: String {
        switch self {
        case .nil: "nil"
        case .boolean: "boolean"
        case .integer, .number: "number"
        case .string: "string"
        case .table: "table"
        case .hostFunction, .function: "function"
        case .userdata, .lightUserdata: "userdata"
        case .thread: "thread"
        }
    }

    public var isNil: Bool { if case .nil = self { true } else { false } }
}

/// Bytes of a Lua string. `text` is nil when they are not valid UTF-8.
public struct LuaString: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(_ text: String) { self.bytes = Array(text.utf8) }
    public init(stringLiteral value: String) { self.init(value) }

    /// The string if the bytes are valid UTF-8.
    public var text: String? { String(validating: bytes, as: UTF8.self) }
    /// The string with invalid sequences replaced by U+FFFD.
    public var lossyText: String { String(decoding: bytes, as: UTF8.self) }
    public var description: String { lossyText }
}

/// A Lua table copied into Swift: `array` holds the sequence 1...n, `fields` every other key.
public struct LuaTable: Hashable, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public var array: [LuaValue]
    public var fields: [LuaValue: LuaValue]

    public init() {
        self.array = []
        self.fields = [:]
    }

    public init(array: [LuaValue], fields: [LuaValue: LuaValue] = [:]) {
        self.array = array
        self.fields = fields
    }
    public init(arrayLiteral elements: LuaValue...) { self.init(array: elements) }
    public init(dictionaryLiteral elements: (LuaValue, LuaValue)...) {
        self.init(array: [], fields: Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    /// The value at a key, looking in the sequence part for integer keys.
    public subscript(key: LuaValue) -> LuaValue {
        get {
            if case .integer(let i) = key, i >= 1, i <= array.count { return array[Int(i - 1)] }
            return fields[key] ?? .nil
        }
        set {
            if case .integer(let i) = key, i >= 1, i <= array.count {
                array[Int(i - 1)] = newValue
            } else {
                fields[key] = newValue.isNil ? nil : newValue
            }
        }
    }

    public subscript(key: String) -> LuaValue {
        get { self[.string(LuaString(key))] }
        set { self[.string(LuaString(key))] = newValue }
    }

    public var isEmpty: Bool { array.isEmpty && fields.isEmpty }
}

extension LuaValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .nil }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(LuaString(value)) }
    public init(arrayLiteral elements: LuaValue...) { self = .table(LuaTable(array: elements)) }
    public init(dictionaryLiteral elements: (LuaValue, LuaValue)...) {
        self = .table(LuaTable(array: [], fields: Dictionary(elements, uniquingKeysWith: { _, last in last })))
    }

    /// `t["key"]` on a table value; `.nil` for anything else.
    public subscript(key: String) -> LuaValue {
        if case .table(let t) = self { return t[key] }
        return .nil
    }
    public subscript(index: Int) -> LuaValue {
        if case .table(let t) = self { return t[.integer(Int64(index))] }
        return .nil
    }
}
