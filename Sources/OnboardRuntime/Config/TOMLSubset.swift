import Foundation

/// The part of TOML that `onboard.toml` uses: comments, `[a.b]` tables, bare, quoted and
/// dotted keys, basic and literal strings (one line), integers (decimal, hex, octal, binary),
/// floats (with `inf` and `nan`), booleans, arrays (over several lines too) and arrays of tables
/// (`[[clients.acme.on]]`), with TOML's rules on redefining tables and keys. Multi-line strings,
/// inline tables and dates are refused with a message naming the line, never misread. Tested against the official
/// toml-test cases (Tests/OnboardRuntimeTests/toml-test).
///
/// Why not a library: the one TOML package available offline here (LebJe/TOMLKit) depends on
/// a package that is not (karwa/swift-checkit), so it cannot be resolved.
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
        var lines: [String: Int] = [:]
        return try parse(text, lines: &lines)
    }

    /// Also gives the line of every key and table header, by dotted path (`clients.acme` is
    /// the header's line, `clients.acme.concurrency` the key's; the elements of an array of
    /// tables are `#0`, `#1`...: `clients.acme.on.#1.flow`), for messages.
    static func parse(_ text: String, lines: inout [String: Int]) throws(ParseError) -> [String: Value] {
        var parser = Parser(Array(text.unicodeScalars))
        try parser.document()
        lines = parser.lines
        return parser.root
    }

    /// How a table came to be: TOML allows a `[header]` once, and dotted keys only through
    /// tables that dotted keys made.
    enum Origin { case header, implicit, dotted, value, arrayOfTables }

    struct Parser {
        let s: [Unicode.Scalar]
        var i = 0
        var line = 1
        var root: [String: Value] = [:]
        var lines: [String: Int] = [:]
        var origins: [[String]: Origin] = [:]
        var current: [String] = []
        /// The arrays of tables so far, by their path as stored, with their element count.
        var arrays: [[String]: Int] = [:]

        init(_ scalars: [Unicode.Scalar]) {
            // (a byte-order mark was dropped with the file's decoding; a second one is an error)
            s = scalars
        }

        var peek: Unicode.Scalar? { i < s.count ? s[i] : nil }
        func at(_ offset: Int) -> Unicode.Scalar? { i + offset < s.count ? s[i + offset] : nil }
        func fail(_ message: String) -> ParseError { ParseError(line: line, message: message) }

        mutating func document() throws(ParseError) {
            while true {
                skipBlank()
                guard let c = peek else { return }
                if c == "\n" || c == "\r" { try newline(); continue }
                if c == "#" { try comment(); continue }
                if c == "[" { try header() } else { try keyValue() }
                try endOfLine()
            }
        }

        mutating func skipBlank() { while peek == " " || peek == "\t" { i += 1 } }

        mutating func newline() throws(ParseError) {
            if peek == "\r" {
                guard at(1) == "\n" else { throw fail("a carriage return must be followed by a line feed") }
                i += 1
            }
            i += 1
            line += 1
        }

        mutating func comment() throws(ParseError) {
            i += 1
            while let c = peek, c != "\n" {
                if c == "\r" && at(1) == "\n" { break }
                if Self.isControl(c) { throw fail("a control character (U+\(String(c.value, radix: 16, uppercase: true))) in a comment") }
                i += 1
            }
        }

        /// After a header or a value: blanks, maybe a comment, then the end of the line.
        mutating func endOfLine() throws(ParseError) {
            skipBlank()
            if peek == "#" { try comment() }
            guard let c = peek else { return }
            guard c == "\n" || c == "\r" else { throw fail("expected the end of the line, found '\(c)'") }
            try newline()
        }

        static func isControl(_ c: Unicode.Scalar) -> Bool { (c.value < 0x20 && c != "\t") || c.value == 0x7F }

        static func isBare(_ c: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "-"
        }

        // MARK: keys and tables

        mutating func key() throws(ParseError) -> [String] {
            var parts: [String] = []
            while true {
                skipBlank()
                guard let c = peek else { throw fail("expected a key") }
                if c == "\"" || c == "'" {
                    if at(1) == c && at(2) == c { throw fail("a key cannot be a multi-line string") }
                    parts.append(c == "\"" ? try basicString() : try literalString())
                } else if Self.isBare(c) {
                    var k = ""
                    while let b = peek, Self.isBare(b) { k.unicodeScalars.append(b); i += 1 }
                    parts.append(k)
                } else {
                    throw fail("'\(c)' cannot start a key (bare keys are A-Z a-z 0-9 _ -; quote others)")
                }
                skipBlank()
                guard peek == "." else { return parts }
                i += 1
            }
        }

        /// A path as stored: through an array of tables, its last element (`on`, `#2`).
        func canonical(_ path: [String]) -> [String] {
            var out: [String] = []
            for part in path {
                out.append(part)
                if let n = arrays[out] { out.append("#\(n - 1)") }
            }
            return out
        }

        static func name(_ path: [String]) -> String { path.filter { !$0.hasPrefix("#") }.joined(separator: ".") }

        mutating func header() throws(ParseError) {
            i += 1
            let isArray = peek == "["
            if isArray { i += 1 }
            let given = try key()
            guard peek == "]", !isArray || at(1) == "]" else {
                throw fail(isArray ? "an array of tables header must look like [[clients.name.on]]" : "a table header must look like [profiles.name]")
            }
            i += isArray ? 2 : 1
            let prefix = canonical(Array(given.dropLast()))
            var path = prefix + [given[given.count - 1]]
            for n in 1..<max(1, path.count) {
                let p = Array(path.prefix(n))
                switch origins[p] {
                case .value?: throw fail("'\(Self.name(p))' is already a value, not a table")
                case nil: origins[p] = .implicit
                default: break
                }
            }
            if isArray {
                switch origins[path] {
                case nil, .arrayOfTables?: break
                case .value?: throw fail("'\(Self.name(path))' is already a value (a static array cannot be extended with [[...]])")
                default: throw fail("'\(Self.name(path))' is already a table, not an array of tables")
                }
                origins[path] = .arrayOfTables
                let index = arrays[path, default: 0]
                arrays[path] = index + 1
                try Self.append(&root, path, line: line)
                lines[path.joined(separator: "."), default: line] = line
                path.append("#\(index)")
                origins[path] = .header
            } else {
                switch origins[path] {
                case .header?: throw fail("the table [\(Self.name(path))] is defined twice")
                case .dotted?: throw fail("the table [\(Self.name(path))] was already made by dotted keys")
                case .value?: throw fail("'\(Self.name(path))' is already a value, not a table")
                case .arrayOfTables?: throw fail("'\(Self.name(path))' is already an array of tables ([[\(Self.name(path))]])")
                case .implicit?, nil: origins[path] = .header
                }
                try Self.store(&root, path, nil, line: line)
            }
            current = path
            lines[path.joined(separator: "."), default: line] = line
        }

        mutating func keyValue() throws(ParseError) {
            let keys = try key()
            guard peek == "=" else { throw fail("expected key = value") }
            i += 1
            skipBlank()
            let value = try self.value()
            let full = current + keys
            for n in (current.count + 1)..<full.count {
                let prefix = Array(full.prefix(n))
                switch origins[prefix] {
                case nil: origins[prefix] = .dotted
                case .dotted?: break
                case .value?: throw fail("'\(prefix.joined(separator: "."))' is already a value, not a table")
                case .header?, .implicit?: throw fail("dotted keys cannot add to the table [\(prefix.joined(separator: "."))], defined by a header")
                case .arrayOfTables?: throw fail("'\(Self.name(prefix))' is an array of tables; dotted keys cannot add to it")
                }
            }
            guard origins[full] == nil else { throw fail("'\(keys.joined(separator: "."))' is defined twice") }
            origins[full] = .value
            try Self.store(&root, full, value, line: line)
            lines[full.joined(separator: ".")] = line
        }

        /// Puts `value` at `path` (nil: makes the table), making the tables on the way; a `#n`
        /// step goes into element n of an array of tables.
        static func store(_ table: inout [String: Value], _ path: [String], _ value: Value?, line: Int) throws(ParseError) {
            try reach(&table, path, line: line) { last, leaf throws(ParseError) in
                if let value { leaf[last] = value } else if leaf[last] == nil { leaf[last] = .table([:]) }
            }
        }

        /// Adds an empty table to the array of tables at `path`.
        static func append(_ table: inout [String: Value], _ path: [String], line: Int) throws(ParseError) {
            try reach(&table, path, line: line) { last, leaf throws(ParseError) in
                guard case .array(let items)? = leaf[last] ?? .array([]) else {
                    throw ParseError(line: line, message: "'\(last)' is already a value, not an array of tables")
                }
                leaf[last] = .array(items + [.table([:])])
            }
        }

        static func reach(_ table: inout [String: Value], _ path: [String], line: Int,
                          _ body: (String, inout [String: Value]) throws(ParseError) -> Void) throws(ParseError) {
            let head = path[0]
            if path.count == 1 { return try body(head, &table) }
            if path[1].hasPrefix("#"), let index = Int(path[1].dropFirst()) {
                guard case .array(var items)? = table[head], index < items.count, case .table(var inner) = items[index] else {
                    throw ParseError(line: line, message: "'\(head)' is not an array of tables")
                }
                if path.count == 2 {
                    var wrapper = ["": Value.table(inner)]
                    try body("", &wrapper)
                    if case .table(let t)? = wrapper[""] { inner = t }
                } else {
                    try reach(&inner, Array(path.dropFirst(2)), line: line, body)
                }
                items[index] = .table(inner)
                table[head] = .array(items)
                return
            }
            var inner: [String: Value]
            switch table[head] {
            case nil: inner = [:]
            case .table(let t)?: inner = t
            default: throw ParseError(line: line, message: "'\(head)' is already a value, not a table")
            }
            try reach(&inner, Array(path.dropFirst()), line: line, body)
            table[head] = .table(inner)
        }

        // MARK: values

        mutating func value() throws(ParseError) -> Value {
            guard let c = peek else { throw fail("expected a value after =") }
            switch c {
            case "\"", "'":
                if at(1) == c && at(2) == c { throw fail("multi-line strings are not supported in onboard.toml; write the string on one line") }
                return .string(c == "\"" ? try basicString() : try literalString())
            case "[": return try array()
            case "{": throw fail("inline tables ({ ... }) are not supported in onboard.toml; use a [table]")
            case "\n", "\r", "#": throw fail("expected a value after =")
            default: return try scalar()
            }
        }

        mutating func array() throws(ParseError) -> Value {
            i += 1
            var items: [Value] = []
            while true {
                try skipInArray()
                guard let c = peek else { throw fail("an array is not closed with ]") }
                if c == "]" { i += 1; return .array(items) }
                if c == "," { throw fail("an array has an empty item (two commas, or a comma first)") }
                items.append(try value())
                try skipInArray()
                if peek == "," { i += 1; continue }
                guard peek == "]" else { throw fail("expected , or ] in an array") }
            }
        }

        mutating func skipInArray() throws(ParseError) {
            while let c = peek {
                if c == " " || c == "\t" { i += 1 } else if c == "\n" || c == "\r" { try newline() } else if c == "#" { try comment() } else { return }
            }
        }

        mutating func basicString() throws(ParseError) -> String {
            i += 1
            var out = String.UnicodeScalarView()
            while true {
                guard let c = peek, c != "\n", c != "\r" else { throw fail("unterminated string (multi-line strings are not supported)") }
                i += 1
                if c == "\"" { return String(out) }
                if c == "\\" {
                    guard let e = peek else { throw fail("unterminated string") }
                    i += 1
                    switch e {
                    case "b": out.append("\u{08}")
                    case "t": out.append("\t")
                    case "n": out.append("\n")
                    case "f": out.append("\u{0C}")
                    case "r": out.append("\r")
                    case "\"": out.append("\"")
                    case "\\": out.append("\\")
                    case "u", "U":
                        let count = e == "u" ? 4 : 8
                        guard i + count <= s.count else { throw fail("a \\\(e) escape needs \(count) hex digits") }
                        let digits = String(String.UnicodeScalarView(s[i..<i + count]))
                        guard digits.allSatisfy(\.isHexDigit), let code = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(code) else {
                            throw fail("\\\(e)\(digits) is not a Unicode scalar value")
                        }
                        i += count
                        out.append(scalar)
                    default: throw fail("unsupported escape \\\(e)")
                    }
                    continue
                }
                if Self.isControl(c) { throw fail("a control character (U+\(String(c.value, radix: 16, uppercase: true))) in a string; escape it") }
                out.append(c)
            }
        }

        mutating func literalString() throws(ParseError) -> String {
            i += 1
            var out = String.UnicodeScalarView()
            while true {
                guard let c = peek, c != "\n", c != "\r" else { throw fail("unterminated string") }
                i += 1
                if c == "'" { return String(out) }
                if Self.isControl(c) { throw fail("a control character (U+\(String(c.value, radix: 16, uppercase: true))) in a string") }
                out.append(c)
            }
        }

        mutating func scalar() throws(ParseError) -> Value {
            var token = ""
            while let c = peek, c != " ", c != "\t", c != "\n", c != "\r", c != ",", c != "]", c != "}", c != "#" {
                token.unicodeScalars.append(c)
                i += 1
            }
            if token == "true" { return .bool(true) }
            if token == "false" { return .bool(false) }
            if let v = Self.number(token) { return v }
            if token.wholeMatch(of: /\d{4}-\d{2}-\d{2}.*|\d{2}:\d{2}.*/) != nil {
                throw fail("dates and times are not supported in onboard.toml; quote it as a string")
            }
            throw fail("cannot read the value \(token) (strings need quotes)")
        }

        static func number(_ t: String) -> Value? {
            let digits = t.replacingOccurrences(of: "_", with: "")
            if t.wholeMatch(of: /[+-]?(0|[1-9](_?[0-9])*)/) != nil { return Int64(digits).map(Value.integer) }
            if t.wholeMatch(of: /0x[0-9A-Fa-f](_?[0-9A-Fa-f])*/) != nil { return Int64(digits.dropFirst(2), radix: 16).map(Value.integer) }
            if t.wholeMatch(of: /0o[0-7](_?[0-7])*/) != nil { return Int64(digits.dropFirst(2), radix: 8).map(Value.integer) }
            if t.wholeMatch(of: /0b[01](_?[01])*/) != nil { return Int64(digits.dropFirst(2), radix: 2).map(Value.integer) }
            if t.wholeMatch(of: /[+-]?(0|[1-9](_?[0-9])*)(\.[0-9](_?[0-9])*([eE][+-]?[0-9](_?[0-9])*)?|[eE][+-]?[0-9](_?[0-9])*)/) != nil {
                return Double(digits).map(Value.double)
            }
            switch t {
            case "inf", "+inf": return .double(.infinity)
            case "-inf": return .double(-.infinity)
            case "nan", "+nan", "-nan": return .double(.nan)
            default: return nil
            }
        }
    }
}
