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
