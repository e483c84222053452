import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals
import YousignEmulator
import YousignWire

/// The emulator served over HTTP/1.1 with Hummingbird: what `onboard serve` runs.
///
/// ```swift
/// let emulator = try YousignEmulator(EmulatorConfiguration(storage: .file(".onboard/emulator.sqlite")))
/// let server = EmulatorServer(emulator: emulator, host: "127.0.0.1", port: 8080)
/// try await server.run { port in print("listening on \(port)") }   // until SIGINT or SIGTERM
/// ```
///
/// Every request is answered by `YousignEmulator.handle` inside its own SQLite transaction, so a
/// request that was answered is committed: shutting down loses nothing. Tests start a server on
/// port 0 with `withRunning`.
public struct EmulatorServer: Sendable {
    typealias Handler = @Sendable (WireRequest) async -> WireResponse

    /// What answers requests and what runs on each tick: the emulator's, or a test's.
    let handle: Handler
    let tick: @Sendable () async -> Void
    public var host: String
    /// 0 picks a free port; the bound one is passed to `onListening`.
    public var port: Int
    /// Larger bodies get 413. SR documents may be 50 MB (API.md §2.9); multipart adds a little.
    public var maxBodySize: Int
    /// How often due timers and webhook deliveries run without a request.
    public var tickInterval: Duration
    /// A delay for every request, drawn from this range (one value for a fixed latency): half
    /// before the emulator acts, half before the response is written. nil: none.
    public var latency: ClosedRange<Duration>?
    /// Where the one line per request goes: `standardErrorLog()` for `onboard serve`; the
    /// default, `silentLog`, logs nothing.
    public var requestLog: Logger

    public init(emulator: YousignEmulator, host: String = "127.0.0.1", port: Int = 8080,
                maxBodySize: Int = 60 * 1024 * 1024, tickInterval: Duration = .seconds(1),
                latency: ClosedRange<Duration>? = nil, requestLog: Logger = EmulatorServer.silentLog) {
        self.init(handle: { await emulator.handle($0) }, tick: { await emulator.tick() }, host: host, port: port,
                  maxBodySize: maxBodySize, tickInterval: tickInterval, latency: latency, requestLog: requestLog)
    }

    init(handle: @escaping Handler, tick: @escaping @Sendable () async -> Void = {}, host: String = "127.0.0.1",
         port: Int = 0, maxBodySize: Int = 60 * 1024 * 1024, tickInterval: Duration = .seconds(1),
         latency: ClosedRange<Duration>? = nil, requestLog: Logger = EmulatorServer.silentLog) {
        self.handle = handle
        self.tick = tick
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.tickInterval = tickInterval
        self.latency = latency
        self.requestLog = requestLog
    }

    /// A logger that writes `<time> info onboard.serve : GET /v3/workflow_templates 200 0.4ms`
    /// lines to standard error.
    public static func standardErrorLog() -> Logger {
        Logger(label: "onboard.serve") { StreamLogHandler.standardError(label: $0) }
    }

    public static let silentLog = Logger(label: "onboard.serve") { _ in SwiftLogNoOpLogHandler() }

    /// Serves until SIGINT or SIGTERM, then finishes the requests in flight and returns.
    /// `onListening` runs once the socket is bound, with the bound port.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let group = serviceGroup(signals: [.sigterm, .sigint], onListening: onListening)
        try await group.run()
    }

    /// Serves while `body` runs, given the bound port; then shuts down gracefully (as on a
    /// signal) and returns what `body` returned.
    public func withRunning<T: Sendable>(_ body: @escaping @Sendable (Int) async throws -> T) async throws -> T {
        let (ports, portsIn) = AsyncStream<Int>.makeStream()
        let group = serviceGroup(signals: [], onListening: { port in
            portsIn.yield(port)
            portsIn.finish()
        })
        return try await withThrowingTaskGroup(of: T?.self) { tasks in
            tasks.addTask {
                defer { portsIn.finish() }  // a server that fails to bind ends the wait below
                try await group.run()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                // the server task failed: its error is the one to report
                while let _ = try await tasks.next() {}
                throw ServerError.notStarted
            }
            let result: T
            do { result = try await body(port) } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            while let _ = try await tasks.next() {}
            return result
        }
    }

    /// A start-up failure in a user's words: `address already in use` rather than NIO's
    /// `bind(descriptor:ptr:bytes:): Address already in use) (errno: 98)`.
    public static func describe(_ error: any Error) -> String {
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
        return "\(error)"
    }

    public enum ServerError: Error, CustomStringConvertible {
        case notStarted
        public var description: String { "the server stopped before it was listening" }
    }

    private func serviceGroup(signals: [UnixSignal], onListening: @escaping @Sendable (Int) async -> Void) -> ServiceGroup {
        let fallbackPort = port
        let app = Application(
            responder: EmulatorResponder(handle: handle, maxBodySize: maxBodySize, latency: latency, requestLog: requestLog),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            services: [TickService(tick: tick, interval: tickInterval)],
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? fallbackPort) },
            logger: Self.frameworkLog())
        return ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [app], gracefulShutdownSignals: signals, logger: Self.frameworkLog()))
    }

    /// Hummingbird's and ServiceLifecycle's own messages: warnings and errors only (set
    /// LOG_LEVEL=debug to see more), so standard error carries the request log and little else.
    static func frameworkLog() -> Logger {
        var logger = Logger(label: "onboard.serve.http") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }
}
