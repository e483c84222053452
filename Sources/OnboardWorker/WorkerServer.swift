import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OnboardRuns
import OnboardRuntime
import ServiceLifecycle
import UnixSignals
import YousignWire

/// The HTTP side of `onboard worker` (Hummingbird): `POST /webhooks/yousign/{client}` stores
/// a verified event and answers at once (the worker processes it from the store, never inside
/// the request), `GET /healthz` says whether it takes work, `GET /metrics` is Prometheus text.
public struct WorkerServer: Sendable {
    public let worker: AutomationWorker
    public let intake: WebhookIntake
    public let host: String
    public let port: Int
    public let log: Logger
    let draining = DrainFlag()

    public init(worker: AutomationWorker, intake: WebhookIntake, host: String, port: Int, log: Logger) {
        self.worker = worker
        self.intake = intake
        self.host = host
        self.port = port
        self.log = log
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        let intake = self.intake, worker = self.worker, log = self.log, draining = self.draining
        router.post("/webhooks/yousign/:client") { request, context -> Response in
            let client = context.parameters.get("client") ?? ""
            let signature = request.headers[HTTPField.Name(WebhookSignature.header)!]
            let outcome: WebhookIntake.Outcome
            if intake.secrets[client] == nil {
                outcome = intake.receive(client: client, body: [], signature: signature)
            } else {
                do {
                    let buffer = try await request.body.collect(upTo: WebhookIntake.maxBody)
                    outcome = intake.receive(client: client, body: Array(buffer.readableBytesView), signature: signature)
                } catch {
                    outcome = .rejected(status: 413, reason: "the body is over \(WebhookIntake.maxBody >> 20) MiB; a Yousign event is a few KiB")
                }
            }
            switch outcome {
            case .stored(let id, let name):
                worker.metrics.webhook(client: client, result: "stored")
                worker.notify()
                log.debug("webhook \(name) \(id) for \(client): stored")
                return Self.json(.ok, ["status": "stored", "event_id": id])
            case .duplicate(let id):
                worker.metrics.webhook(client: client, result: "duplicate")
                log.info("webhook \(id) for \(client): already received (a retry); acknowledged, not processed again")
                return Self.json(.ok, ["status": "duplicate", "event_id": id])
            case .rejected(let status, let reason):
                worker.metrics.webhook(client: intake.secrets[client] == nil ? "unknown" : client, result: "rejected_\(status)")
                log.warning("webhook for \(client) refused (\(status)): \(reason)")
                return Self.json(HTTPResponse.Status(code: status), ["error": reason])
            }
        }
        router.get("/healthz") { _, _ -> Response in
            if draining.isSet { return Self.json(.serviceUnavailable, ["status": "draining"]) }
            return Self.json(.ok, ["status": "ok", "store": worker.store.location, "in_flight": "\(worker.inFlight)"])
        }
        router.get("/metrics") { _, _ -> Response in
            let text = worker.metrics.text(store: worker.store, clients: worker.clients)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        return router
    }

    static func json(_ status: HTTPResponse.Status, _ fields: [String: String]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: Array(data) + [0x0A])))
    }

    /// Serves until SIGTERM or SIGINT (or `stop`'s trigger), then stops taking webhooks and
    /// returns; `onListening` gets the bound port once the socket is bound.
    public func run(signals: [UnixSignal] = [.sigterm, .sigint], onListening: @escaping @Sendable (Int) async -> Void,
                    onStopping: @escaping @Sendable () -> Void = {}) async throws {
        let fallback = port
        let draining = self.draining
        var frameworkLog = Logger(label: "onboard.worker.http") { StreamLogHandler.standardError(label: $0) }
        frameworkLog.logLevel = .warning
        let app = Application(
            router: router(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? fallback) },
            logger: frameworkLog)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: app, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: signals, logger: frameworkLog))
        try await withGracefulShutdownHandler {
            try await group.run()
        } onGracefulShutdown: {
            draining.set()
            onStopping()
        }
    }
}

/// Set once the worker drains: `/healthz` then says so (a load balancer stops sending).
final class DrainFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
