import JSONCodec
import LuaKit

extension LuaValue {
    /// A JSON value as Lua sees it: objects and arrays as tables, null as nil (a key whose
    /// value is null is absent), numbers as integers where they are.
    init(json: JSONValue) {
        switch json {
        case .null: self = .nil
        case .bool(let b): self = .boolean(b)
        case .integer(let i): self = .integer(i)
        case .double(let d): self = .number(d)
        case .string(let s): self = .string(LuaString(s))
        case .array(let items): self = .table(LuaTable(array: items.map { LuaValue(json: $0) }))
        case .object(let members):
            var fields: [LuaValue: LuaValue] = [:]
            for (k, v) in members where !v.isNull { fields[.string(LuaString(k))] = LuaValue(json: v) }
            self = .table(LuaTable(array: [], fields: fields))
        }
    }
}
