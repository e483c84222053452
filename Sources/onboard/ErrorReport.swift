import LuaKit

/// How a failed run reads on standard error: `file:line: message`, then the traceback.
/// A limit is named by the flag that sets it, from the host's kill flag, never from the text.
struct ErrorReport {
    let text: String

    init(_ error: LuaError, limits: LuaLimits) {
        var text: String
        switch error.status {
        case .limit(let kind):
            let location = error.location.map { "\($0): " } ?? ""
            let setting = kind == .cancelled ? "" : " (\(kind.flag) \(limits.display(kind)))"
            text = "\(location)\(kind.summary)\(setting)"
        default:
            text = error.message
        }
        if let traceback = error.traceback, !traceback.isEmpty {
            text += "\n" + traceback
        }
        self.text = text
    }
}
