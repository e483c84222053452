import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import YousignWire

/// Yousign (or `onboard serve`) over HTTP(S), on AsyncHTTPClient's shared client.
///
/// The base URL names the API root (`https://api-sandbox.yousign.app/v3`,
/// `http://127.0.0.1:8080/v3`): `/v3/x` goes to `<base>/x`, and an emulator's `/_emulator/x` to
/// the same host's `/_emulator/x`.
public struct HTTPTransport: Transport {
    public let baseURL: String
    let origin: String
    let apiRoot: String
    /// Largest response body read (downloads of completed documents included).
    public static let maxResponseSize = 256 << 20

    public init(baseURL: String) throws(TransportError) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else {
            throw TransportError(.notSent, "'\(baseURL)' is not an http:// or https:// URL (example: https://api-sandbox.yousign.app/v3)")
        }
        var root = url.path
        if root.isEmpty { root = "/v3"; base += "/v3" }
        self.baseURL = base
        self.apiRoot = root
        self.origin = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
    }

    public var name: String { baseURL }

    /// One client for the process. A refused connection fails the request at once
    /// (`retryConnectionEstablishment` off): the client's retry policy decides what happens
    /// next, instead of AsyncHTTPClient quietly retrying until the deadline.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    func url(for request: WireRequest) -> String {
        let target = request.target
        if request.path.hasPrefix("/v3/") || request.path == "/v3" {
            return origin + apiRoot + target.dropFirst(3)
        }
        return origin + target
    }

    public func send(_ request: WireRequest, timeout: Duration) async throws(TransportError) -> WireResponse {
        var outgoing = HTTPClientRequest(url: url(for: request))
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method) {
            outgoing.body = .bytes(request.body)
        }
        let amount = TimeAmount.nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
                                            + timeout.components.attoseconds / 1_000_000_000)
        do {
            let response = try await Self.client.execute(outgoing, timeout: amount)
            let body = try await response.body.collect(upTo: Self.maxResponseSize)
            var headers = WireHeaders()
            for header in response.headers { headers.add(header.name, header.value) }
            return WireResponse(status: Int(response.status.code), headers: headers, body: Array(body.readableBytesView))
        } catch {
            throw Self.classify(error, request: request)
        }
    }

    /// Sorts a failure by what it says about the request: never sent, timed out, or broken.
    static func classify(_ error: any Error, request: WireRequest) -> TransportError {
        let where_ = "\(request.method) \(request.path)"
        if let e = error as? HTTPClientError {
            switch e {
            case .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
                return TransportError(.notSent, "\(where_): could not connect in time (\(e))")
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return TransportError(.timeout, "\(where_): no response in time")
            case .invalidURL, .emptyHost, .emptyScheme:
                return TransportError(.notSent, "\(where_): invalid URL")
            default:
                return TransportError(.failed, "\(where_): \(e)")
            }
        }
        if error is NIOConnectionError {
            return TransportError(.notSent, "\(where_): connection refused or host unreachable (is the server running?)")
        }
        if let e = error as? IOError, [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH].contains(e.errnoCode) {
            return TransportError(.notSent, "\(where_): connection refused (is the server running?)")
        }
        if let e = error as? NIOTooManyBytesError {
            return TransportError(.failed, "\(where_): response larger than \(maxResponseSize >> 20) MB (\(e))")
        }
        let text = "\(error)"
        if text.contains("refused") || text.contains("resolve") {
            return TransportError(.notSent, "\(where_): \(text)")
        }
        return TransportError(.failed, "\(where_): \(text)")
    }
}
