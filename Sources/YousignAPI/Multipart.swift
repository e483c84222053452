import JSONCodec
import MultipartKit
import NIOCore

/// `multipart/form-data` bodies as Yousign reads them: nested values as bracket keys
/// (`natural_person[first_name]`, `initials[y]`, `list[0]`), files as parts with a file name.
public enum Multipart {
    /// Flattens a JSON object into form fields: objects and arrays become bracket keys,
    /// booleans `true`/`false`, nulls are left out.
    public static func fields(_ value: JSONValue, prefix: String = "") -> [(String, String)] {
        switch value {
        case .null: return []
        case .bool(let b): return [(prefix, b ? "true" : "false")]
        case .integer(let i): return [(prefix, String(i))]
        case .double(let d): return [(prefix, d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d))]
        case .string(let s): return [(prefix, s)]
        case .array(let items):
            return items.enumerated().flatMap { fields($1, prefix: prefix + "[\($0)]") }
        case .object(let members):
            return members.keys.sorted().flatMap { key in
                fields(members[key]!, prefix: prefix.isEmpty ? key : prefix + "[\(key)]")
            }
        }
    }

    /// The encoded body and its `Content-Type` (with a boundary that appears in no part).
    public static func encode(fields: [(String, String)], files: [FilePart]) throws -> (body: [UInt8], contentType: String) {
        var parts: [MultipartPart] = []
        for (name, value) in fields {
            var part = MultipartPart(body: Array(value.utf8))
            part.headers.replaceOrAdd(name: "Content-Disposition", value: "form-data; name=\"\(escape(name))\"")
            parts.append(part)
        }
        for file in files {
            var part = MultipartPart(body: file.content)
            part.headers.replaceOrAdd(
                name: "Content-Disposition",
                value: "form-data; name=\"\(escape(file.field))\"; filename=\"\(escape(file.filename))\"")
            part.headers.replaceOrAdd(name: "Content-Type", value: file.contentType)
            parts.append(part)
        }
        var boundary = "onboard-" + randomToken()
        while files.contains(where: { contains($0.content, Array(boundary.utf8)) }) { boundary = "onboard-" + randomToken() }
        let text = try MultipartSerializer().serializeBytes(parts: parts, boundary: boundary)
        return (text, "multipart/form-data; boundary=\(boundary)")
    }

    private static func escape(_ s: String) -> String {
        String(s.flatMap { c -> [Character] in
            switch c {
            case "\"": ["%", "2", "2"]
            case "\r", "\n": []
            default: [c]
            }
        })
    }

    private static func randomToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<24).map { _ in String("abcdefghijklmnopqrstuvwxyz0123456789".randomElement(using: &g)!) }.joined()
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBufferPointer { h in
            (0...(h.count - needle.count)).contains { i in needle.indices.allSatisfy { h[i + $0] == needle[$0] } }
        }
    }
}

extension MultipartSerializer {
    fileprivate func serializeBytes(parts: [MultipartPart], boundary: String) throws -> [UInt8] {
        var buffer = ByteBufferAllocator().buffer(capacity: parts.reduce(256) { $0 + $1.body.readableBytes + 128 })
        try serialize(parts: parts, boundary: boundary, into: &buffer)
        return Array(buffer.readableBytesView)
    }
}
