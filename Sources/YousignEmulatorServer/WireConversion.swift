import HTTPTypes
import Hummingbird
import NIOCore
import YousignWire

/// Hummingbird's request and response types to and from the emulator's plain values. The
/// emulator decodes the path and query itself (`WireRequest(method:target:)`), so what it sees
/// over a socket is exactly what the in-process transport gives it.
enum WireConversion {
    /// The request with its body already collected.
    static func wireRequest(_ request: Request, body: ByteBuffer) -> WireRequest {
        var target = request.uri.path
        if let query = request.uri.query { target += "?" + query }
        var headers = WireHeaders()
        for field in request.headers { headers.add(field.name.rawName, field.value) }
        return WireRequest(method: request.method.rawValue, target: target, headers: headers,
                           body: Array(body.readableBytesView))
    }

    static func response(_ wire: WireResponse) -> Response {
        var headers = HTTPFields()
        for (name, value) in wire.headers {
            // the emulator only writes well-formed names; a bad one is dropped rather than crash
            guard let fieldName = HTTPField.Name(name) else { continue }
            headers.append(HTTPField(name: fieldName, value: value))
        }
        let body = wire.body.isEmpty ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: wire.body))
        return Response(status: status(wire.status), headers: headers, body: body)
    }

    /// A status with its usual reason phrase (`HTTPResponse.Status(code:)` alone sends none).
    static func status(_ code: Int) -> HTTPResponse.Status {
        switch code {
        case 200: .ok
        case 201: .created
        case 204: .noContent
        case 400: .badRequest
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 405: .methodNotAllowed
        case 413: .contentTooLarge
        case 415: .unsupportedMediaType
        case 429: .tooManyRequests
        case 500: .internalServerError
        case 502: .badGateway
        case 503: .serviceUnavailable
        case 504: .gatewayTimeout
        default: HTTPResponse.Status(code: code)
        }
    }
}
