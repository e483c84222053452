import Foundation

/// The part of TOML that `onboard.toml` uses: comments, `[a.b]` tables, `key = value` with
/// basic and literal strings, integers, floats, booleans and one-line arrays of those.
///
/// Why not a library: the one TOML package available offline here (LebJe/TOMLKit) depends on
/// a package that is not (karwa/swift-checkit), so it cannot be resolved. Anything outside this
/// subset is an error naming the line, never a silent misreading.
enum TOMLSubset {
    indirect enum Value: Equatable {
        case string(String)
        case integer(Int64)
        case double(Double)
        case bool(Bool)
        case array([Value])
        case table([String: Value])
    }

    struct ParseError: Error, CustomStringConvertible {
        let line: Int
        let message: String
        var description: String { "line \(line): \(message)" }
    }

    static func parse(_ text: String) throws(ParseError) -> [String: Value] {
        var root: [String: Value] = [:]
        var current: [String] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = n + 1
            let trimmed = stripComment(String(raw)).trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]"), !trimmed.hasPrefix("[[") else {
                    throw ParseError(line: line, message: "a table header must look like [profiles.name]")
                }
                let keys = try keyPath(String(trimmed.dropFirst().dropLast()), line: line)
                current = keys
                try ensureTable(&root, keys, line: line)
                continue
            }
            guard let eq = indexOfEquals(trimmed) else {
                throw ParseError(line: line, message: "expected key = value")
            }
            let keys = try keyPath(String(trimmed[..<eq]), line: line)
            let value = try parseValue(String(trimmed[trimmed.index(after: eq)...]).trimmingCharacters(in: .whitespaces), line: line)
            try set(&root, current + keys, value, line: line)
        }
        return root
    }

    private static func stripComment(_ s: String) -> String {
        var inBasic = false, inLiteral = false, escaped = false
        for (i, c) in zip(s.indices, s) {
            if escaped { escaped = false; continue }
            if c == "\\" && inBasic { escaped = true; continue }
            if c == "\"" && !inLiteral { inBasic.toggle() }
            if c == "'" && !inBasic { inLiteral.toggle() }
            if c == "#" && !inBasic && !inLiteral { return String(s[..<i]) }
        }
        return s
    }

    private static func indexOfEquals(_ s: String) -> String.Index? {
        var inQuote: Character?
        for i in s.indices {
            let c = s[i]
            if let q = inQuote { if c == q { inQuote = nil }; continue }
            if c == "\"" || c == "'" { inQuote = c; continue }
            if c == "=" { return i }
        }
        return nil
    }

    private static func keyPath(_ s: String, line: Int) throws(ParseError) -> [String] {
        var keys: [String] = []
        for part in s.split(separator: ".", omittingEmptySubsequences: false) {
            var key = part.trimmingCharacters(in: .whitespaces)
            if key.count >= 2, (key.hasPrefix("\"") && key.hasSuffix("\"")) || (key.hasPrefix("'") && key.hasSuffix("'")) {
                key = String(key.dropFirst().dropLast())
            } else if key.isEmpty || !key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
                throw ParseError(line: line, message: "'\(s.trimmingCharacters(in: .whitespaces))' is not a valid key")
            }
            keys.append(key)
        }
        return keys
    }

    static func parseValue(_ s: String, line: Int) throws(ParseError) -> Value {
        if s.hasPrefix("\"") {
            guard s.count >= 2, s.hasSuffix("\""), !s.hasPrefix("\"\"\"") else {
                throw ParseError(line: line, message: "unterminated string (multi-line strings are not supported)")
            }
            return .string(try unescape(String(s.dropFirst().dropLast()), line: line))
        }
        if s.hasPrefix("'") {
            guard s.count >= 2, s.hasSuffix("'") else { throw ParseError(line: line, message: "unterminated string") }
            return .string(String(s.dropFirst().dropLast()))
        }
        if s == "true" { return .bool(true) }
        if s == "false" { return .bool(false) }
        if s.hasPrefix("[") {
            guard s.hasSuffix("]") else { throw ParseError(line: line, message: "an array must close on the same line") }
            let inner = String(s.dropFirst().dropLast())
            var items: [Value] = []
            for item in splitArray(inner) where !item.trimmingCharacters(in: .whitespaces).isEmpty {
                items.append(try parseValue(item.trimmingCharacters(in: .whitespaces), line: line))
            }
            return .array(items)
        }
        let digits = s.replacingOccurrences(of: "_", with: "")
        if let i = Int64(digits) { return .integer(i) }
        if let d = Double(digits) { return .double(d) }
        throw ParseError(line: line, message: "cannot read the value \(s) (strings need quotes)")
    }

    private static func splitArray(_ s: String) -> [String] {
        var parts: [String] = [], current = "", quote: Character?
        for c in s {
            if let q = quote {
                current.append(c)
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
                current.append(c)
            } else if c == "," {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        return parts
    }

    private static func unescape(_ s: String, line: Int) throws(ParseError) -> String {
        var out = "", escaped = false
        for c in s {
            if escaped {
                switch c {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "\\": out.append("\\")
                case "\"": out.append("\"")
                default: throw ParseError(line: line, message: "unsupported escape \\\(c)")
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "\"" {
                throw ParseError(line: line, message: "unexpected quote inside a string")
            } else {
                out.append(c)
            }
        }
        return out
    }

    private static func ensureTable(_ root: inout [String: Value], _ keys: [String], line: Int) throws(ParseError) {
        guard let first = keys.first else { return }
        var inner: [String: Value]
        switch root[first] {
        case nil: inner = [:]
        case .table(let t)?: inner = t
        default: throw ParseError(line: line, message: "'\(first)' is already a value, not a table")
        }
        try ensureTable(&inner, Array(keys.dropFirst()), line: line)
        root[first] = .table(inner)
    }

    private static func set(_ root: inout [String: Value], _ keys: [String], _ value: Value, line: Int) throws(ParseError) {
        if keys.count == 1 {
            guard root[keys[0]] == nil else { throw ParseError(line: line, message: "'\(keys[0])' is defined twice") }
            root[keys[0]] = value
            return
        }
        var inner: [String: Value]
        switch root[keys[0]] {
        case nil: inner = [:]
        case .table(let t)?: inner = t
        default: throw ParseError(line: line, message: "'\(keys[0])' is already a value, not a table")
        }
        try set(&inner, Array(keys.dropFirst()), value, line: line)
        root[keys[0]] = .table(inner)
    }
}
