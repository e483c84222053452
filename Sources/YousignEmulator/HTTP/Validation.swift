import Foundation
import JSONCodec

/// Field rules shared by every resource (API.md §2.3, §10.14).
enum Validation {
    static func isUUID(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 36 else { return false }
        for (i, c) in u.enumerated() {
            if [8, 13, 18, 23].contains(i) { if c != UInt8(ascii: "-") { return false } } else if !isHex(c) { return false }
        }
        return true
    }

    private static func isHex(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)
    }

    /// Safe string [I]: no HTML tags, links or e-mail addresses, and (unless allowed) no leading
    /// or trailing whitespace. The spec names the format without defining it; this is the
    /// emulator's reading of it (docs/emulator.md).
    static func safeStringProblem(_ s: String, allowEmail: Bool = false, allowSurroundingSpace: Bool = false) -> String? {
        if !allowSurroundingSpace, let f = s.first, let l = s.last, f.isWhitespace || l.isWhitespace {
            return "This value must not start or end with whitespace."
        }
        if s.range(of: #"<[^>]*>"#, options: .regularExpression) != nil { return "This value must not contain HTML tags." }
        let lower = s.lowercased()
        if lower.contains("http://") || lower.contains("https://") || lower.contains("www.") {
            return "This value must not contain links."
        }
        if !allowEmail, s.range(of: #"[^\s@]+@[^\s@]+\.[^\s@]+"#, options: .regularExpression) != nil {
            return "This value must not contain an e-mail address."
        }
        return nil
    }

    /// Signer and approver names: Latin letters with accents, digits, `` ` ' ( ) `` space and `-`,
    /// no leading or trailing space (the spec's HumanName pattern).
    static func humanNameProblem(_ s: String) -> String? {
        if s.first == " " || s.last == " " { return "This value must not start or end with a space." }
        for scalar in s.unicodeScalars {
            let v = scalar.value
            let latin = (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || (v >= 0xC0 && v <= 0x24F && v != 0xD7 && v != 0xF7)
            if latin || (v >= 0x30 && v <= 0x39) || "`'() -".unicodeScalars.contains(scalar) { continue }
            return "This value contains characters that are not allowed in a name."
        }
        return nil
    }

    static func isEmail(_ s: String) -> Bool {
        s.range(of: #"^[^\s@]+@[^\s@]+\.[^\s@]+$"#, options: .regularExpression) != nil
    }

    static func isE164(_ s: String) -> Bool { s.range(of: #"^\+[1-9]\d{6,14}$"#, options: .regularExpression) != nil }

    static func isURL(_ s: String) -> Bool {
        guard let u = URL(string: s), let scheme = u.scheme?.lowercased(), ["http", "https"].contains(scheme), u.host != nil else { return false }
        return true
    }
}

/// Reads a JSON object body field by field, collecting every problem as an `invalid_params`
/// entry, so one 400 lists them all.
struct BodyReader {
    let object: JSONObject
    let prefix: String
    private(set) var problems: [APIError.InvalidParam] = []

    init(_ object: JSONObject, prefix: String = "") {
        self.object = object
        self.prefix = prefix
    }

    func name(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix)[\(key)]" }

    mutating func problem(_ key: String, _ reason: String) {
        problems.append(.init(name: name(key), reason: reason))
    }

    func has(_ key: String) -> Bool { object[key] != nil }
    func isNull(_ key: String) -> Bool { object[key] == .null }

    private mutating func missing(_ key: String, required: Bool) -> Bool {
        guard let v = object[key] else {
            if required { problem(key, "This field is missing.") }
            return true
        }
        if v == .null {
            if required { problem(key, "This value should not be null.") }
            return true
        }
        return false
    }

    enum StringFormat { case plain, safe, safeWithEmail, humanName, email, uuid, date, url, e164 }

    /// A string field with length bounds and a format.
    mutating func string(_ key: String, required: Bool = false, min: Int = 1, max: Int = 255,
                         format: StringFormat = .plain, pattern: String? = nil) -> String? {
        if missing(key, required: required) { return nil }
        guard case .string(let s) = object[key]! else { problem(key, "This value should be of type string."); return nil }
        if s.count < min { problem(key, min == 1 ? "This value should not be blank." : "This value is too short. It should have \(min) characters or more."); return nil }
        if s.count > max { problem(key, "This value is too long. It should have \(max) characters or less."); return nil }
        let reason: String?
        switch format {
        case .plain: reason = nil
        case .safe: reason = Validation.safeStringProblem(s)
        case .safeWithEmail: reason = Validation.safeStringProblem(s, allowEmail: true)
        case .humanName: reason = Validation.humanNameProblem(s)
        case .email: reason = Validation.isEmail(s) ? nil : "This value is not a valid email address."
        case .uuid: reason = Validation.isUUID(s) ? nil : "This value is not a valid UUID."
        case .date: reason = Timestamp.parseDay(s) == nil ? "This value is not a valid date (yyyy-mm-dd)." : nil
        case .url: reason = Validation.isURL(s) ? nil : "This value is not a valid URL."
        case .e164: reason = Validation.isE164(s) ? nil : "This value is not a valid phone number (E.164, like +33612345678)."
        }
        if let reason { problem(key, reason); return nil }
        if let pattern, s.range(of: pattern, options: .regularExpression) == nil {
            problem(key, "This value is not valid."); return nil
        }
        return format == .uuid ? s.lowercased() : s
    }

    mutating func uuid(_ key: String, required: Bool = false) -> String? { string(key, required: required, max: 36, format: .uuid) }

    /// One of `allowed`.
    mutating func enumeration(_ key: String, _ allowed: [String], required: Bool = false) -> String? {
        if missing(key, required: required) { return nil }
        guard case .string(let s) = object[key]!, allowed.contains(s) else {
            problem(key, "Value must be in [\(allowed.map { "\"\($0)\"" }.joined(separator: ", "))].")
            return nil
        }
        return s
    }

    mutating func bool(_ key: String, required: Bool = false) -> Bool? {
        if missing(key, required: required) { return nil }
        switch object[key]! {
        case .bool(let b): return b
        // multipart fields arrive as text
        case .string("true"), .string("1"): return true
        case .string("false"), .string("0"): return false
        default: problem(key, "This value should be of type boolean."); return nil
        }
    }

    mutating func integer(_ key: String, required: Bool = false, in range: ClosedRange<Int64>) -> Int64? {
        if missing(key, required: required) { return nil }
        let value: Int64?
        switch object[key]! {
        case .integer(let i): value = i
        case .double(let d) where d.rounded() == d && abs(d) < 1e15: value = Int64(d)
        case .string(let s): value = Int64(s)
        default: value = nil
        }
        guard let value else { problem(key, "This value should be of type integer."); return nil }
        guard range.contains(value) else {
            problem(key, "This value should be between \(range.lowerBound) and \(range.upperBound)."); return nil
        }
        return value
    }

    /// A nested object, read with its own reader (problems are merged by `merge`).
    mutating func object(_ key: String, required: Bool = false) -> BodyReader? {
        if missing(key, required: required) { return nil }
        guard case .object(let o) = object[key]! else { problem(key, "This value should be of type object."); return nil }
        return BodyReader(o, prefix: name(key))
    }

    mutating func array(_ key: String, required: Bool = false, max: Int = 1000) -> [JSONValue]? {
        if missing(key, required: required) { return nil }
        guard case .array(let a) = object[key]! else { problem(key, "This value should be of type array."); return nil }
        if a.count > max { problem(key, "This collection should contain \(max) elements or less."); return nil }
        return a
    }

    mutating func merge(_ other: BodyReader?) { if let other { problems += other.problems } }

    /// Keys not in `allowed` are an error (`additionalProperties: false`).
    mutating func rejectUnknown(_ allowed: Set<String>) {
        for key in object.keys.sorted() where !allowed.contains(key) { problem(key, "This field was not expected.") }
    }

    /// Throws the collected problems as one `validation.error`.
    func check() throws {
        if !problems.isEmpty { throw APIError.validation(problems) }
    }

    /// The raw value, for fields copied through unchanged.
    subscript(key: String) -> JSONValue? { object[key] }
}
