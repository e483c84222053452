import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import YousignEmulator

/// Delivers webhooks over real HTTP(S) for the emulator (API.md §7.3) with AsyncHTTPClient: one
/// POST, the whole exchange bounded by the dispatcher's timeout (1 s first, 10 s on retries),
/// at most two redirects, each re-sending the same signed POST [I]. Errors never quote the
/// endpoint, which often carries a receiver's token.
public struct HTTPWebhookSender: WebhookSender {
    /// More than this many redirects fails the delivery (§7.3).
    static let maxRedirects = 2

    public init() {}

    /// Redirects are followed here (the library would turn a 301/302 POST into a GET) and
    /// loopback receivers never go through a proxy.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    public func send(url: String, headers: [(String, String)], body: [UInt8], timeout: TimeInterval) async throws -> Int {
        // the library's deadline bounds each request; a timer of our own bounds the whole
        // exchange, redirects and a slow first connection included
        try await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask { try await exchange(url: url, headers: headers, body: body, timeout: timeout) }
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(max(0.001, timeout) * 1e9))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let status = first else { throw WebhookDeliveryError.timeout }
            return status
        }
    }

    private func exchange(url: String, headers: [(String, String)], body: [UInt8], timeout: TimeInterval) async throws -> Int {
        let deadline = NIODeadline.now() + .nanoseconds(Int64(max(0.001, timeout) * 1e9))
        var target = try Self.endpoint(url)
        var redirects = 0
        while true {
            var request = HTTPClientRequest(url: target.absoluteString)
            request.method = .POST
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.body = .bytes(body)
            let response: HTTPClientResponse
            do {
                response = try await Self.client.execute(request, deadline: deadline)
                _ = try await response.body.collect(upTo: 1 << 20)
            } catch {
                throw Self.failure(error)
            }
            let status = Int(response.status.code)
            guard [301, 302, 303, 307, 308].contains(status), let location = response.headers.first(name: "Location") else {
                return status
            }
            redirects += 1
            guard redirects <= Self.maxRedirects else { throw WebhookDeliveryError.tooManyRedirects }
            guard let next = URL(string: location, relativeTo: target)?.absoluteURL else {
                throw WebhookDeliveryError.network("a redirect to an invalid location")
            }
            target = try Self.endpoint(next.absoluteString)
        }
    }

    static func endpoint(_ url: String) throws -> URL {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
              parsed.host?.isEmpty == false else {
            throw WebhookDeliveryError.invalidEndpoint
        }
        return parsed
    }

    /// A failure in words that never quote the URL.
    static func failure(_ error: any Error) -> WebhookDeliveryError {
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout:
                return .timeout
            case .remoteConnectionClosed: return .network("connection lost")
            default: break
            }
        }
        if error is NIOTooManyBytesError { return .network("response too large") }
        let text = "\(error)".lowercased()
        if text.contains("refused") { return .network("connection refused") }
        if text.contains("resolve") || text.contains("lookup") || text.contains("getaddrinfo") { return .network("host not found") }
        if text.contains("tls") || text.contains("ssl") || text.contains("certificate") { return .network("TLS handshake failed") }
        return .network("network error")
    }
}

/// Why a delivery failed. The dispatcher treats a description containing "timeout" as a
/// timeout, which earns one retry even without `auto_retry`; no other description says "time".
public enum WebhookDeliveryError: Error, CustomStringConvertible, Equatable {
    case invalidEndpoint
    case timeout
    case tooManyRedirects
    case network(String)

    public var description: String {
        switch self {
        case .invalidEndpoint: "the endpoint is not an http(s) URL"
        case .timeout: "timeout"
        case .tooManyRedirects: "more than \(HTTPWebhookSender.maxRedirects) redirects"
        case .network(let what): what
        }
    }
}
