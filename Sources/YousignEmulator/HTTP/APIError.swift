import JSONCodec
import YousignWire

/// An error response with Yousign's body: `{type, detail[, invalid_params]}`, or `{message}` for
/// 405 and 429 (API.md §2.6).
struct APIError: Error {
    struct InvalidParam: Equatable {
        var name: String
        var reason: String
    }

    var status: Int
    var type: String?
    var detail: String?
    var message: String?
    var invalidParams: [InvalidParam] = []
    var headers: WireHeaders = [:]

    var response: WireResponse {
        var body: [String: JSONValue] = [:]
        if let message { body["message"] = .string(message) }
        if let type { body["type"] = .string(type) }
        if let detail { body["detail"] = .string(detail) }
        if !invalidParams.isEmpty {
            body["invalid_params"] = .array(invalidParams.map { .object(["name": .string($0.name), "reason": .string($0.reason)]) })
        }
        var response = Responses.json(status, .object(body))
        for (name, value) in headers { response.headers.set(name, value) }
        return response
    }

    static func notFound(_ what: String = "resource") -> APIError {
        APIError(status: 404, type: "resource.not_found", detail: "The \(what) was not found.")
    }

    static func validation(_ params: [InvalidParam]) -> APIError {
        APIError(status: 400, type: "validation.error", detail: "You have some invalid params in your payload.", invalidParams: params)
    }

    static func validation(_ name: String, _ reason: String) -> APIError { validation([InvalidParam(name: name, reason: reason)]) }

    static func badRequest(_ type: String, _ detail: String) -> APIError { APIError(status: 400, type: type, detail: detail) }

    /// A call that the resource's status forbids (API.md §6.2).
    static func statusNotCompatible(_ resource: String, _ detail: String) -> APIError {
        badRequest("\(resource).status_not_compatible", detail)
    }

    static let unauthorized = APIError(status: 401, type: "authentication_error",
                                       detail: "Missing or invalid API key: send Authorization: Bearer <API key>.")
    static func unsupportedMediaType(_ expected: String) -> APIError {
        APIError(status: 415, type: "unsupported_media_type", detail: "The Content-Type must be \(expected).")
    }
    static let methodNotAllowed = APIError(status: 405, message: "Method Not Allowed")
    static func tooManyRequests(retryAfter: Int) -> APIError {
        APIError(status: 429, message: "Too many requests", headers: ["Retry-After": String(retryAfter)])
    }
    static func forbidden(_ detail: String) -> APIError { APIError(status: 403, type: "forbidden", detail: detail) }
    /// What Yousign answers when it fails on its side; the emulator's own failures (a store
    /// that cannot be written) answer the same, with no detail that would leak internals.
    static let `internal` = APIError(status: 500, type: "about:blank", detail: "Something wrong occurred.")
}

enum Responses {
    static func json(_ status: Int, _ value: JSONValue) -> WireResponse {
        let body = (try? value.encoded()) ?? Array(#"{"type":"about:blank","detail":"Something wrong occurred."}"#.utf8)
        return WireResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
    }

    static func empty(_ status: Int = 204) -> WireResponse { WireResponse(status: status) }

    static func binary(_ bytes: [UInt8], contentType: String, filename: String) -> WireResponse {
        WireResponse(status: 200, headers: ["Content-Type": contentType, "Content-Disposition": "attachment; filename=\"\(filename)\""], body: bytes)
    }
}
