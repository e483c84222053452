import YousignWire

/// Carries one request to a Yousign API (or an emulator of it) and brings back the response.
/// Paths are canonical: `/v3/...` for the API, `/_emulator/...` for an emulator's control surface.
public protocol Transport: Sendable {
    func send(_ request: WireRequest, timeout: Duration) async throws(TransportError) -> WireResponse
    /// A short name for messages and `.backend` (`embedded emulator`, `https://api.yousign.app/v3`).
    var name: String { get }
}

/// A request that got no HTTP response.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No answer within the timeout: the server may or may not have acted.
        case timeout
        /// The request surely never reached the server, for a reason that may pass (connection
        /// refused, connecting timed out): safe to send again whatever its method.
        case notSent
        /// The request never reached the server, and another attempt seconds later would fail
        /// the same way (the host name does not resolve, the TLS handshake fails).
        case unreachable
        /// The connection broke after the request may have been sent.
        case failed
        /// The caller gave up (its task was cancelled: Ctrl-C) before the response came; the
        /// request may have been sent.
        case cancelled
    }
    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// The emulator in this process: requests go straight to its request function, the same one
/// `onboard serve` runs behind HTTP.
///
/// ```swift
/// let transport = InProcessTransport { await emulator.handle($0) }
/// ```
public struct InProcessTransport: Transport {
    let handler: @Sendable (WireRequest) async throws(TransportError) -> WireResponse
    public let name: String

    public init(name: String = "embedded emulator", _ handler: @escaping @Sendable (WireRequest) async -> WireResponse) {
        self.handler = { request throws(TransportError) in await handler(request) }
        self.name = name
    }

    /// A handler that can fail before answering (an emulator opened on first use whose state
    /// file cannot be opened).
    public init(name: String = "embedded emulator", failable handler: @escaping @Sendable (WireRequest) async throws(TransportError) -> WireResponse) {
        self.handler = handler
        self.name = name
    }

    /// A response marked `dropConnection` (an emulator `drop` fault) fails as a connection
    /// closed after the request was sent does over HTTP: `.failed`, the outcome unknown.
    public func send(_ request: WireRequest, timeout: Duration) async throws(TransportError) -> WireResponse {
        let response = try await handler(request)
        if response.dropConnection {
            throw TransportError(.failed, "the \(name) closed the connection before the response came (a drop fault)")
        }
        return response
    }
}
