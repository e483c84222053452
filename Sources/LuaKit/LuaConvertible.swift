/// Swift types that cross into Lua and back.
///
/// ```swift
/// try state.setGlobal("limit", 10.luaValue)
/// let n = Int.fromLuaValue(try state.global("limit"))   // Optional(10)
/// ```
///
/// Conversions are exact or fail (`nil`): a float with a fraction is not an `Int`, an integer
/// outside `Int32` is not an `Int32`. Deliberately absent: `UInt64` (does not fit
/// `lua_Integer`) and `[UInt8]` as an array of numbers (bytes are a Lua string: use `LuaString`).
public protocol LuaConvertible {
    var luaValue: LuaValue { get }
    static func fromLuaValue(_ value: LuaValue) -> Self?
}

extension LuaValue: LuaConvertible {
    public var luaValue: LuaValue { self }
    public static func fromLuaValue(_ value: LuaValue) -> LuaValue? { value }
}

extension Bool: LuaConvertible {
    public var luaValue: LuaValue { .boolean(self) }
    public static func fromLuaValue(_ value: LuaValue) -> Bool? {
        if case .boolean(let b) = value { return b }
        return nil
    }
}

extension Int64: LuaConvertible {
    public var luaValue: LuaValue { .integer(self) }
    public static func fromLuaValue(_ value: LuaValue) -> Int64? {
        switch value {
        case .integer(let i): return i
        // Lua's own rule (lua_tointegerx): a float with an exact integer value converts
        case .number(let d): return Int64(exactly: d)
        default: return nil
        }
    }
}

extension Int: LuaConvertible {
    public var luaValue: LuaValue { .integer(Int64(self)) }
    public static func fromLuaValue(_ value: LuaValue) -> Int? { Int64.fromLuaValue(value).flatMap { Int(exactly: $0) } }
}

extension Int32: LuaConvertible {
    public var luaValue: LuaValue { .integer(Int64(self)) }
    public static func fromLuaValue(_ value: LuaValue) -> Int32? { Int64.fromLuaValue(value).flatMap { Int32(exactly: $0) } }
}

extension Double: LuaConvertible {
    public var luaValue: LuaValue { .number(self) }
    public static func fromLuaValue(_ value: LuaValue) -> Double? {
        switch value {
        case .number(let d): return d
        case .integer(let i): return Double(i)
        default: return nil
        }
    }
}

extension String: LuaConvertible {
    public var luaValue: LuaValue { .string(LuaString(self)) }
    /// Only valid UTF-8 converts; read `LuaString.bytes` for anything else.
    public static func fromLuaValue(_ value: LuaValue) -> String? {
        if case .string(let s) = value { return s.text }
        return nil
    }
}

extension LuaString: LuaConvertible {
    public var luaValue: LuaValue { .string(self) }
    public static func fromLuaValue(_ value: LuaValue) -> LuaString? {
        if case .string(let s) = value { return s }
        return nil
    }
}

extension Optional: LuaConvertible where Wrapped: LuaConvertible {
    public var luaValue: LuaValue { self?.luaValue ?? .nil }
    /// `.nil` converts to `.some(nil)`; a value of the wrong type fails.
    public static func fromLuaValue(_ value: LuaValue) -> Wrapped?? {
        if value.isNil { return .some(nil) }
        return Wrapped.fromLuaValue(value).map { .some($0) }
    }
}

extension Array: LuaConvertible where Element: LuaConvertible {
    public var luaValue: LuaValue { .table(LuaTable(array: map(\.luaValue))) }
    /// A table whose keys are exactly 1...n.
    public static func fromLuaValue(_ value: LuaValue) -> [Element]? {
        guard case .table(let t) = value, t.fields.isEmpty else { return nil }
        var result: [Element] = []
        result.reserveCapacity(t.array.count)
        for v in t.array {
            guard let e = Element.fromLuaValue(v) else { return nil }
            result.append(e)
        }
        return result
    }
}

extension Dictionary: LuaConvertible where Key == String, Value: LuaConvertible {
    public var luaValue: LuaValue {
        var t = LuaTable()
        for (k, v) in self { t[k] = v.luaValue }
        return .table(t)
    }
    /// A table whose keys are all strings (an empty table converts to an empty dictionary).
    public static func fromLuaValue(_ value: LuaValue) -> [String: Value]? {
        guard case .table(let t) = value, t.array.isEmpty else { return nil }
        var result: [String: Value] = [:]
        for (k, v) in t.fields {
            guard let key = String.fromLuaValue(k), let value = Value.fromLuaValue(v) else { return nil }
            result[key] = value
        }
        return result
    }
}
