import LuaKit

/// How a failed run reads on standard error: `file:line: message`, then the traceback.
/// A limit is named by the flag that sets it, from the host's kill flag, never from the text.
public struct ErrorReport {
    public let text: String

    public init(_ error: LuaError, limits: LuaLimits) {
        var text: String
        switch error.status {
        case .limit(let kind):
            let location = error.location.map { "\($0): " } ?? ""
            let setting = kind == .cancelled ? "" : " (\(kind.flag) \(limits.display(kind)))"
            text = "\(location)\(kind.summary)\(setting)"
        default:
            text = Self.bounded(error.message, 8 << 10)
        }
        if let traceback = error.traceback, !traceback.isEmpty {
            text += "\n" + traceback
        }
        self.text = Self.bounded(text, 64 << 10)
    }

    /// A script's message cut to `limit` bytes, saying how much was left out: a script must not
    /// flood standard error through an error message, whatever --output-limit says.
    public static func bounded(_ text: String, _ limit: Int) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count > limit else { return text }
        var cut = limit
        while cut > 0 && bytes[cut] & 0xC0 == 0x80 { cut -= 1 }  // not inside a UTF-8 sequence
        return String(decoding: bytes[..<cut], as: UTF8.self) + "... (\(bytes.count - cut) more bytes)"
    }
}
