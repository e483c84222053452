/// An API key. It prints as `<redacted>` everywhere (description, debug description, string
/// interpolation, dumps), so it cannot leak through a log line or an error by accident; only
/// the `Authorization` header reads the value.
public struct APIKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "APIKey(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    /// `Bearer <key>`, for the transport only.
    var authorization: String { "Bearer " + value }

    /// Replaces every occurrence of the key in a response body with `<redacted>`: a server
    /// that echoes the request (a proxy, a misconfigured endpoint) must not hand the key to the
    /// script. One pass over the bytes; bodies without the key come back unchanged.
    public func redact(bytes body: [UInt8]) -> [UInt8] {
        let key = Array(value.utf8)
        guard key.count >= 4, body.count >= key.count else { return body }
        let first = key[0]
        var out: [UInt8]?
        var i = 0, copied = 0
        let last = body.count - key.count
        while i <= last {
            if body[i] == first && body[i..<(i + key.count)].elementsEqual(key) {
                if out == nil { out = []; out!.reserveCapacity(body.count) }
                out! += body[copied..<i]
                out! += Array("<redacted>".utf8)
                i += key.count
                copied = i
            } else {
                i += 1
            }
        }
        guard var result = out else { return body }
        result += body[copied...]
        return result
    }

    /// Replaces every occurrence of the key in `text` with `<redacted>`: for messages that
    /// quote what a server or a library said.
    public func redact(_ text: String) -> String {
        guard value.count >= 4, text.contains(value) else { return text }
        return text.replacingOccurrences(of: value, with: "<redacted>")
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
