import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
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
    /// The host and port connections go to, for messages.
    let host: String
    let port: Int
    /// How long connecting (TCP and TLS) may take before the attempt fails as not sent.
    let connectTimeout: Duration
    /// Largest response body read (downloads of completed documents included).
    public static let maxResponseSize = 256 << 20

    public init(baseURL: String, connectTimeout: Duration = .seconds(10)) throws(TransportError) {
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
        self.host = host
        self.port = url.port ?? (scheme == "https" ? 443 : 80)
        self.connectTimeout = connectTimeout
    }

    public var name: String { baseURL }

    /// One client per connect timeout for the process (in practice one: 10 s). A refused
    /// connection fails the request at once (`retryConnectionEstablishment` off): the client's
    /// retry policy decides what happens next, instead of AsyncHTTPClient quietly retrying
    /// until the deadline.
    private static let clients = Mutex<[Duration: HTTPClient]>([:])

    static func client(connectTimeout: Duration) -> HTTPClient {
        clients.withLock { clients in
            if let client = clients[connectTimeout] { return client }
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.retryConnectionEstablishment = false
            configuration.timeout.connect = .nanoseconds(connectTimeout.nanoseconds)
            configuration.redirectConfiguration = .disallow
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            clients[connectTimeout] = client
            return client
        }
    }

    func url(for request: WireRequest) -> String {
        let target = request.target
        if request.path.hasPrefix("/v3/") || request.path == "/v3" {
            return origin + apiRoot + target.dropFirst(3)
        }
        return origin + target
    }

    /// Sends the request; cancelling the calling task cancels it in flight (AsyncHTTPClient's
    /// `execute` honours task cancellation), and it fails with `.cancelled`.
    public func send(_ request: WireRequest, timeout: Duration) async throws(TransportError) -> WireResponse {
        var outgoing = HTTPClientRequest(url: url(for: request))
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method) {
            outgoing.body = .bytes(request.body)
        }
        do {
            let client = Self.client(connectTimeout: connectTimeout)
            let response = try await client.execute(outgoing, timeout: .nanoseconds(timeout.nanoseconds))
            let body = try await response.body.collect(upTo: Self.maxResponseSize)
            var headers = WireHeaders()
            for header in response.headers { headers.add(header.name, header.value) }
            return WireResponse(status: Int(response.status.code), headers: headers, body: Array(body.readableBytesView))
        } catch {
            throw classify(error, timeout: timeout)
        }
    }
}
