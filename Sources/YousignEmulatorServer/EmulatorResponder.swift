import Foundation
import Hummingbird
import Logging
import NIOCore
import YousignEmulator
import YousignWire

/// The one catch-all route: every method and path goes to `YousignEmulator.handle`, which does
/// its own routing, so 404, 405 and 415 come out in Yousign's shapes rather than Hummingbird's.
struct EmulatorResponder: HTTPResponder {
    typealias Context = EmulatorRequestContext

    let handle: EmulatorServer.Handler
    let maxBodySize: Int
    /// Each request waits a latency drawn from this range: half before the emulator acts on
    /// it, half before its response is written, as on a network. nil: no delay.
    let latency: ClosedRange<Duration>?
    /// One line per request: method, path, status, duration. Never headers or bodies, so an
    /// API key or uploaded document cannot end up in the log.
    let requestLog: Logger

    func respond(to request: Request, context: EmulatorRequestContext) async throws -> Response {
        let start = ContinuousClock.now
        let delay = latency.map(Self.sample) ?? .zero
        await Self.pause(delay / 2)
        let wire: WireResponse
        do {
            let body = try await request.body.collect(upTo: maxBodySize)
            wire = await handle(WireConversion.wireRequest(request, body: body))
        } catch is NIOTooManyBytesError {
            wire = Self.tooLarge(maxBodySize)
        }
        await Self.pause(delay - delay / 2)
        let elapsed = ContinuousClock.now - start
        if wire.dropConnection {
            requestLog.info("\(request.method.rawValue) \(request.uri.path) \(wire.status) dropped \(Self.milliseconds(elapsed))")
            // the request was acted on; closing before any byte of the answer leaves the
            // client with a connection lost after sending, whose outcome it cannot know
            try? await context.channel.close()
            throw DroppedConnection()
        }
        requestLog.info("\(request.method.rawValue) \(request.uri.path) \(wire.status) \(Self.milliseconds(elapsed))")
        return WireConversion.response(wire)
    }

    private static func pause(_ duration: Duration) async {
        if duration > .zero { try? await Task.sleep(for: duration) }
    }

    /// A duration drawn uniformly from the range, to the nanosecond.
    static func sample(_ range: ClosedRange<Duration>) -> Duration {
        let low = range.lowerBound.nanoseconds, high = range.upperBound.nanoseconds
        return .nanoseconds(low == high ? low : Int64.random(in: low...high))
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

/// Hummingbird's basic context plus the request's channel, which a `drop` fault closes.
struct EmulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Thrown once the channel of a dropped request is closed: Hummingbird's answer to it (a 500)
/// can no longer be written.
struct DroppedConnection: Error {}

extension Duration {
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
