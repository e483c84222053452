import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import YousignEmulator

/// Delivers webhooks over real HTTP(S) for `onboard serve` (API.md §7.3): one POST, the whole
/// exchange bounded by the timeout the dispatcher gives (1 s first, 10 s on retries), redirects
/// followed at most twice.
///
/// Errors never carry the endpoint: its query string may hold a receiver's token.
public final class URLSessionWebhookSender: WebhookSender {
    /// More than this many redirects fails the delivery (§7.3).
    static let maxRedirects = 2

    private let session: URLSession

    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.httpShouldSetCookies = false
        session = URLSession(configuration: configuration, delegate: RedirectRefuser(), delegateQueue: nil)
    }

    deinit { session.finishTasksAndInvalidate() }

    public func send(url: String, headers: [(String, String)], body: [UInt8], timeout: TimeInterval) async throws -> Int {
        guard var target = URL(string: url), let scheme = target.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw WebhookDeliveryError.invalidEndpoint
        }
        let deadline = ContinuousClock.now + .milliseconds(Int64((timeout * 1000).rounded()))
        var redirects = 0
        while true {
            var request = URLRequest(url: target, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
            request.httpMethod = "POST"
            for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
            request.httpBody = Data(body)
            let response = try await exchange(request, deadline: deadline)
            guard (300..<400).contains(response.statusCode), response.statusCode != 304,
                  let location = response.value(forHTTPHeaderField: "Location"),
                  let next = URL(string: location, relativeTo: target)?.absoluteURL else {
                return response.statusCode
            }
            redirects += 1
            if redirects > Self.maxRedirects { throw WebhookDeliveryError.tooManyRedirects }
            // [I] the POST and its signed body are sent again as they were, whatever the 3xx
            target = next
        }
    }

    /// One request, raced against the deadline: URLSession's own timeout only bounds the gaps
    /// between bytes, not the whole exchange.
    private func exchange(_ request: URLRequest, deadline: ContinuousClock.Instant) async throws -> HTTPURLResponse {
        let session = self.session
        return try await withThrowingTaskGroup(of: HTTPURLResponse?.self) { group in
            group.addTask {
                do {
                    let (_, response) = try await session.data(for: request)
                    guard let http = response as? HTTPURLResponse else { throw WebhookDeliveryError.network("not an HTTP response") }
                    return http
                } catch let error as URLError {
                    throw error.code == .timedOut ? WebhookDeliveryError.timeout : WebhookDeliveryError.network(Self.summary(error))
                }
            }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let response = first else { throw WebhookDeliveryError.timeout }
            return response
        }
    }

    /// What went wrong, without the URL that `URLError`'s description includes.
    static func summary(_ error: URLError) -> String {
        switch error.code {
        case .cannotConnectToHost: "connection refused"
        case .cannotFindHost, .dnsLookupFailed: "host not found"
        case .networkConnectionLost: "connection lost"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot: "TLS handshake failed"
        case .badServerResponse: "bad response"
        default: "network error \(error.code.rawValue)"
        }
    }
}

/// Why a delivery failed. The dispatcher treats a description containing "timeout" as a
/// timeout, which earns one retry even without `auto_retry`.
public enum WebhookDeliveryError: Error, CustomStringConvertible, Equatable {
    case invalidEndpoint
    case timeout
    case tooManyRedirects
    case network(String)

    public var description: String {
        switch self {
        case .invalidEndpoint: "the endpoint is not an http(s) URL"
        case .timeout: "timeout"
        case .tooManyRedirects: "more than \(URLSessionWebhookSender.maxRedirects) redirects"
        case .network(let what): what
        }
    }
}

/// Hands every redirect back to `send`, which counts them.
private final class RedirectRefuser: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
