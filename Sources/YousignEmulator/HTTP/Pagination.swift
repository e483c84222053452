import Foundation
import JSONCodec

/// Cursor pagination (API.md §2.4): `after` (an opaque cursor) and `limit` (1–100, default 100;
/// 10 for workspaces), answered with `{"meta": {"next_cursor": …|null}, "data": […]}`.
enum Pagination {
    /// One page of `items` (oldest first, with their store positions) for the request's
    /// `after`/`limit`.
    static func page(_ items: [(seq: Int64, body: JSONObject)], _ context: RequestContext,
                     defaultLimit: Int64 = 100, render: (JSONObject) -> JSONValue = publicBody) throws -> JSONValue {
        var problems: [APIError.InvalidParam] = []
        var limit = defaultLimit
        if let raw = context.request.queryValue("limit") {
            if let n = Int64(raw), (1...100).contains(n) { limit = n } else {
                problems.append(.init(name: "limit", reason: "This value should be between 1 and 100."))
            }
        }
        var start = 0
        if let after = context.request.queryValue("after") {
            if let seq = decodeCursor(after) {
                start = items.firstIndex { $0.seq > seq } ?? items.count
            } else {
                problems.append(.init(name: "after", reason: "This value is not a valid cursor."))
            }
        }
        if !problems.isEmpty { throw APIError.validation(problems) }
        let end = min(items.count, start + Int(limit))
        let slice = items[start..<end]
        let next: JSONValue = end < items.count ? .string(encodeCursor(slice.last!.seq)) : .null
        return .object(["meta": .object(["next_cursor": next]), "data": .array(slice.map { render($0.body) })])
    }

    static func encodeCursor(_ seq: Int64) -> String {
        Data("c:\(seq)".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    static func decodeCursor(_ cursor: String) -> Int64? {
        var s = cursor
        while s.count % 4 != 0 { s += "=" }
        guard let data = Data(base64Encoded: s), let text = String(data: data, encoding: .utf8), text.hasPrefix("c:") else { return nil }
        return Int64(text.dropFirst(2))
    }
}

/// deepObject filters (API.md §2.5): `field[op]=value` with `eq`, `in`, `between`, `before`, `after`.
struct Filters {
    struct Condition {
        var field: String
        var op: String
        var value: String
    }

    let conditions: [Condition]

    /// Reads `field[op]=value` parameters for the allowed fields and operators; anything else
    /// named like a filter is a 400.
    init(_ context: RequestContext, allowed: [String: Set<String>]) throws {
        var found: [Condition] = []
        var problems: [APIError.InvalidParam] = []
        for item in context.request.query {
            guard let open = item.name.firstIndex(of: "["), item.name.hasSuffix("]") else { continue }
            let field = String(item.name[..<open])
            let op = String(item.name[item.name.index(after: open)..<item.name.index(before: item.name.endIndex)])
            guard let ops = allowed[field] else {
                problems.append(.init(name: item.name, reason: "This filter is not supported.")); continue
            }
            guard ops.contains(op) else {
                problems.append(.init(name: item.name, reason: "Operator must be in [\(ops.sorted().map { "\"\($0)\"" }.joined(separator: ", "))]."))
                continue
            }
            if ["between", "before", "after"].contains(op) {
                let days = item.value.split(separator: ",").map(String.init)
                if days.isEmpty || days.contains(where: { Timestamp.parseDay($0) == nil }) || (op == "between" && days.count != 2) {
                    problems.append(.init(name: item.name, reason: "This value should be a date (yyyy-mm-dd)\(op == "between" ? " pair" : "")."))
                    continue
                }
            }
            found.append(Condition(field: field, op: op, value: item.value))
        }
        if !problems.isEmpty { throw APIError.validation(problems) }
        conditions = found
    }

    func value(_ field: String, _ op: String) -> String? { conditions.first { $0.field == field && $0.op == op }?.value }
    func has(_ field: String) -> Bool { conditions.contains { $0.field == field } }

    /// Whether `body` passes every condition (field values read by dotted path; dates compared by day).
    func matches(_ body: JSONObject, fieldValue: (JSONObject, String) -> [String]? = Filters.defaultValue) -> Bool {
        conditions.allSatisfy { c in
            let values = fieldValue(body, c.field) ?? []
            switch c.op {
            case "eq": return values.contains(c.value)
            case "in": return !Set(values).isDisjoint(with: c.value.split(separator: ",").map(String.init))
            case "before", "after", "between":
                guard let v = values.first, let day = Timestamp.parse(v).map(Timestamp.day) ?? (Timestamp.parseDay(v) != nil ? v : nil) else { return false }
                let bounds = c.value.split(separator: ",").map(String.init)
                switch c.op {
                case "before": return day < bounds[0]
                case "after": return day > bounds[0]
                default: return day >= bounds[0] && day <= bounds[1]
                }
            default: return false
            }
        }
    }

    static func defaultValue(_ body: JSONObject, _ field: String) -> [String]? {
        switch body[field] {
        case .string(let s): return [s]
        case .bool(let b): return [b ? "true" : "false"]
        case .integer(let i): return [String(i)]
        default: return nil
        }
    }
}
