import JSONCodec

/// A failed API call: an error response of the API (`status` set), or no response at all.
/// Its text never contains the API key.
public struct YousignError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct InvalidParam: Sendable, Equatable {
        public var name: String
        public var reason: String
        public init(name: String, reason: String) {
            self.name = name
            self.reason = reason
        }
    }

    /// The HTTP status, nil when no response came.
    public var status: Int?
    /// Yousign's machine key (`validation.error`, `resource.not_found`), `transport.timeout` or
    /// `transport.error` when no response came, `interrupted` when the caller stopped it,
    /// `rate_limited` for a 429 without a type.
    public var type: String
    /// Yousign's human text (`detail`, or `message` for 405 and 429).
    public var detail: String
    public var invalidParams: [InvalidParam]
    public var method: String
    /// The path called, without the query (`/v3/signature_requests/{id}` filled in).
    public var path: String
    /// Seconds the server asked to wait (`Retry-After`).
    public var retryAfter: Double?

    public init(status: Int?, type: String, detail: String, invalidParams: [InvalidParam] = [], method: String,
                path: String, retryAfter: Double? = nil) {
        self.status = status
        self.type = type
        self.detail = detail
        self.invalidParams = invalidParams
        self.method = method
        self.path = path
        self.retryAfter = retryAfter
    }

    /// `POST /v3/workflow_sessions: 400 validation.error: You have some invalid params in your payload. (name: This value should not be blank.)`
    public var description: String {
        var text = "\(method) \(path): "
        if let status { text += "\(status) " }
        text += type
        if !detail.isEmpty { text += ": " + detail }
        if !invalidParams.isEmpty {
            text += " (" + invalidParams.map { "\($0.name): \($0.reason)" }.joined(separator: "; ") + ")"
        }
        return text
    }

    /// A call stopped by its caller (Ctrl-C): `inFlight` when a request had gone out without its
    /// response coming back, which for anything but a GET leaves the user unsure whether
    /// Yousign acted, and they must be told so before they send it again.
    ///
    /// `POST /v3/workflow_sessions: interrupted: stopped before the response came; the POST may have reached Yousign; check before retrying`
    static func interrupted(_ call: APICall, inFlight: Bool, resending: Bool) -> YousignError {
        let detail = if !inFlight {
            resending ? "stopped before it was sent again" : "stopped before it was sent"
        } else if call.isIdempotent {
            "stopped before the response came"
        } else {
            "stopped before the response came; the \(call.method) may have reached Yousign; check before retrying"
        }
        return YousignError(status: nil, type: "interrupted", detail: detail, method: call.method, path: call.path)
    }

    /// Reads an error response: `{type, detail, invalid_params}` or `{message}`; anything
    /// else keeps the status with a generic type and the start of the body.
    static func fromResponse(status: Int, body: [UInt8], method: String, path: String, retryAfter: Double?) -> YousignError {
        let doc = try? JSONValue(parsing: body, maxDepth: 32)
        var type = doc?["type"]?.stringValue
        var detail = doc?["detail"]?.stringValue ?? doc?["message"]?.stringValue
        if type == nil {
            type = switch status {
            case 401: "unauthorized"
            case 404: "resource.not_found"
            case 405: "method_not_allowed"
            case 415: "unsupported_media_type"
            case 429: "rate_limited"
            case 500...: "server_error"
            default: "http_error"
            }
        }
        if detail == nil {
            let text = String(decoding: body.prefix(200), as: UTF8.self)
            detail = text.isEmpty ? "HTTP \(status) with no body" : "unexpected response body: " + text
        }
        var params: [InvalidParam] = []
        if case .array(let items)? = doc?["invalid_params"] {
            for item in items {
                params.append(InvalidParam(name: item["name"]?.stringValue ?? "?", reason: item["reason"]?.stringValue ?? ""))
            }
        }
        return YousignError(status: status, type: type!, detail: detail!, invalidParams: params, method: method, path: path,
                            retryAfter: retryAfter)
    }
}
