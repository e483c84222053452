import Foundation
import Hummingbird
import Logging
import NIOCore
import YousignEmulator
import YousignWire

/// The one catch-all route: every method and path goes to `YousignEmulator.handle`, which does
/// its own routing, so 404, 405 and 415 come out in Yousign's shapes rather than Hummingbird's.
struct EmulatorResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let handle: EmulatorServer.Handler
    let maxBodySize: Int
    /// One line per request: method, path, status, duration. Never headers or bodies, so an
    /// API key or uploaded document cannot end up in the log.
    let requestLog: Logger

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        let start = ContinuousClock.now
        let wire: WireResponse
        do {
            let body = try await request.body.collect(upTo: maxBodySize)
            wire = await handle(WireConversion.wireRequest(request, body: body))
        } catch is NIOTooManyBytesError {
            wire = Self.tooLarge(maxBodySize)
        }
        let elapsed = ContinuousClock.now - start
        requestLog.info("\(request.method.rawValue) \(request.uri.path) \(wire.status) \(Self.milliseconds(elapsed))")
        return WireConversion.response(wire)
    }

    /// A body over the limit: 413 with Yousign's error shape. The API names no status for this
    /// ([I]: 413 `request_entity_too_large`, as its load balancer would refuse it before the API).
    static func tooLarge(_ limit: Int) -> WireResponse {
        let size = limit % (1024 * 1024) == 0 ? "\(limit / (1024 * 1024)) MB" : "\(limit) bytes"
        let detail = "The request body is larger than \(size)."
        return WireResponse(status: 413, headers: ["Content-Type": "application/json"],
                            body: Array(#"{"detail":"\#(detail)","type":"request_entity_too_large"}"#.utf8))
    }

    /// `0.4ms`, one decimal (String(format:) costs more than the rest of the log line).
    static func milliseconds(_ d: Duration) -> String {
        let tenths = d.components.seconds * 10_000 + d.components.attoseconds / 100_000_000_000_000
        return "\(tenths / 10).\(tenths % 10)ms"
    }
}
