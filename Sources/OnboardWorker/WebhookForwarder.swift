import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals
import YousignWire

/// `onboard listen`'s receiver: takes the emulator's webhook deliveries on a local port and
/// forwards each, body and Yousign headers unchanged (so the signature still verifies), to a
/// URL (an `onboard worker`'s webhook route); the emulator gets the target's answer, so its
/// retries behave as they would against the target itself.
public struct WebhookForwarder: Sendable {
    /// One delivery, as `onboard listen` prints it.
    public struct Delivery: Sendable {
        public var eventName: String
        public var eventID: String
        public var retry: String?
        /// The target's status, nil when it could not be reached.
        public var status: Int?
        public var error: String?
        public var milliseconds: Double
    }

    public let target: URL
    public let host: String
    public let port: Int
    let onDelivery: @Sendable (Delivery) -> Void

    public init(target: URL, host: String = "127.0.0.1", port: Int, onDelivery: @escaping @Sendable (Delivery) -> Void) {
        self.target = target
        self.host = host
        self.port = port
        self.onDelivery = onDelivery
    }

    /// AsyncHTTPClient rather than URLSession: FoundationNetworking needs libcurl, which the
    /// static binary does not link.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    static let forwarded = [WebhookSignature.header, "X-Yousign-Retry", "X-Yousign-Issued-At", "User-Agent", "Content-Type"]

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        let target = self.target, onDelivery = self.onDelivery
        let handle: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let begun = Date()
            let body = try await request.body.collect(upTo: 4 << 20)
            let bytes = Data(body.readableBytesView)
            let event = (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any]
            var forward = HTTPClientRequest(url: target.absoluteString)
            forward.method = .POST
            for name in Self.forwarded {
                if let value = request.headers[HTTPField.Name(name)!] { forward.headers.add(name: name, value: value) }
            }
            forward.body = .bytes(ByteBuffer(bytes: bytes))
            var delivery = Delivery(eventName: event?["event_name"] as? String ?? "?", eventID: event?["event_id"] as? String ?? "?",
                                    retry: request.headers[HTTPField.Name("X-Yousign-Retry")!], status: nil, error: nil, milliseconds: 0)
            let status: HTTPResponse.Status
            do {
                let response = try await Self.client.execute(forward, timeout: .seconds(10))
                let data = try await response.body.collect(upTo: 1 << 20)
                let code = Int(response.status.code)
                delivery.status = code
                if code >= 300 {
                    delivery.error = String(decoding: data.readableBytesView.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                }
                status = HTTPResponse.Status(code: code)
            } catch {
                delivery.error = "\(error)"
                status = .badGateway
            }
            delivery.milliseconds = Date().timeIntervalSince(begun) * 1000
            onDelivery(delivery)
            return Response(status: status)
        }
        router.post("/", use: handle)
        router.post("/**", use: handle)
        return router
    }

    /// Serves until SIGINT or SIGTERM; `onListening` gets the bound port.
    public func run(onListening: @escaping @Sendable (Int) async -> Void) async throws {
        let fallback = port
        var log = Logger(label: "onboard.listen.http") { StreamLogHandler.standardError(label: $0) }
        log.logLevel = .warning
        let app = Application(router: router(), configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
                              onServerRunning: { channel in await onListening(channel.localAddress?.port ?? fallback) }, logger: log)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: log))
        try await group.run()
    }
}
