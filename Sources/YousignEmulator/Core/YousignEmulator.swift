import Foundation
import GRDB
import JSONCodec
import YousignWire

/// A stateful emulator of Yousign's API v3: one function from an HTTP request to an HTTP
/// response, over a SQLite store. The in-process transport and `onboard serve` both call
/// `handle`, so they run exactly the same code.
///
/// ```swift
/// let emulator = try YousignEmulator(EmulatorConfiguration(storage: .memory))
/// let response = await emulator.handle(WireRequest(method: "GET", target: "/v3/workflow_templates",
///                                                  headers: ["Authorization": "Bearer emulator-test-key"]))
/// ```
///
/// Yousign's API is served under `/v3`; the control surface that stands in for signers,
/// approvers and the passing of time is under `/_emulator` (docs/emulator.md).
public final class YousignEmulator: Sendable {
    public let configuration: EmulatorConfiguration
    let writer: any DatabaseWriter
    let router: Router
    /// Seconds ahead of the base clock, as persisted in the store's `clock_offset`.
    let storedClockOffset: LockedValue<TimeInterval>
    let rateLimiter: RateLimiter
    let dispatcher: WebhookDispatcher
    /// The earliest timer (Unix seconds, emulator time), kept after every write so reads need
    /// not look: a GET ticks first only when something is due.
    let nextTimer: LockedValue<Double>
    let cache = ResponseCache()
    /// Failures asked for through `/_emulator/faults`: in memory, never in the store.
    let faults = LockedValue(FaultRules())

    public init(_ configuration: EmulatorConfiguration = EmulatorConfiguration()) throws {
        self.configuration = configuration
        writer = try Store.open(configuration.storage)
        try Seeding.seedIfEmpty(writer, configuration.fixtures)
        storedClockOffset = LockedValue(try writer.read { try $0.clockOffset() })
        rateLimiter = RateLimiter(configuration.rateLimit)
        dispatcher = WebhookDispatcher(sender: configuration.webhookSender)
        router = Routes.all()
        nextTimer = LockedValue(try writer.read { try Timers.earliest($0) })
    }

    /// The emulator's current time (its base clock plus every `clock/advance` since the last reset).
    public var now: Date { configuration.clock.baseNow().addingTimeInterval(clockOffset) }

    var services: EmulatorServices {
        EmulatorServices(ids: configuration.ids, verificationDelay: configuration.verificationDelay)
    }

    /// Answers one request. A fault rule (`/_emulator/faults`) that matches an API request
    /// answers for it, or lets it act and marks the response `dropConnection`.
    public func handle(_ request: WireRequest) async -> WireResponse {
        let isAPI = request.path == "/v3" || request.path.hasPrefix("/v3/")
        guard isAPI, let rule = faults.update({ $0.take(method: request.method, apiPath: request.path.dropFirst(3)) }) else {
            return await respond(to: request, isAPI: isAPI)
        }
        switch rule.outcome {
        case .status(let status, let retryAfter): return rule.errorResponse(status: status, retryAfter: retryAfter)
        case .drop:
            var response = await respond(to: request, isAPI: true)
            response.dropConnection = true
            return response
        }
    }

    private func respond(to request: WireRequest, isAPI: Bool) async -> WireResponse {
        let isControl = request.path.hasPrefix("/_emulator/")
        guard isAPI || isControl else { return APIError.notFound("route").response }
        let route: Router.Route
        let params: [String: String]
        switch router.match(method: request.method, path: request.path) {
        case .notFound: return APIError.notFound("route").response
        case .methodNotAllowed: return APIError.methodNotAllowed.response
        case .found(let r, let p): (route, params) = (r, p)
        }
        let handler: Router.Handler
        switch route.action {
        case .emulator(let control): return await answer { try await control(self, request) }
        case .store(let h): handler = h
        }
        var rateHeaders: WireHeaders = [:]
        if isAPI {
            guard let key = Self.bearer(request.headers["Authorization"]), configuration.fixtures.apiKeys.contains(key) else {
                return APIError.unauthorized.response
            }
            switch rateLimiter.take(key: key, now: now) {
            case .limited(let headers, let retryAfter):
                var error = APIError.tooManyRequests(retryAfter: retryAfter)
                for (n, v) in headers { error.headers.set(n, v) }
                return error.response
            case .allowed(let headers): rateHeaders = headers
            }
        }
        var response = await run(request, route: route, handler: handler, params: params)
        for (n, v) in rateHeaders { response.headers.set(n, v) }
        await deliverDueWebhooks()
        return response
    }

    /// The handler's response, or its error's: an `APIError` as it is, anything else (the store
    /// failing) as a 500.
    private func answer(_ body: () async throws -> WireResponse) async -> WireResponse {
        do { return try await body() } catch let error as APIError { return error.response } catch { return APIError.internal.response }
    }

    private func run(_ request: WireRequest, route: Router.Route, handler: Router.Handler, params: [String: String]) async -> WireResponse {
        let now = self.now
        let services = self.services
        return await answer {
            // Synchronous store access: GRDB runs it on the calling thread, where the async API
            // would hop to its queue and back (two context switches, most of a GET's cost).
            if route.readOnly {
                if now.timeIntervalSince1970 >= nextTimer.value { await tick() }
                // only Yousign's API: control GETs show state that changes outside requests
                let cacheKey = request.path.hasPrefix("/v3/") ? request.target : nil
                if let cacheKey, let cached = cache.lookup(cacheKey) { return cached }
                let version = cache.currentVersion
                let response = try syncRead { db in
                    var context = RequestContext(db: db, request: request, params: params, now: now, services: services)
                    return try handler(&context)
                }
                if let cacheKey, response.status == 200 { cache.store(cacheKey, response, readAt: version) }
                return response
            }
            defer {
                cache.invalidate()
                dispatcher.noteWrite()
            }
            return try syncWrite { db in
                var context = RequestContext(db: db, request: request, params: params, now: now, services: services)
                try Timers.runDue(&context)
                let response = try handler(&context)
                try WebhookEvents.enqueue(context.events, in: context)
                nextTimer.set(try Timers.earliest(db))
                return response
            }
        }
    }

    // Non-async wrappers, so GRDB's synchronous overloads are chosen (see `run`).
    // A DatabaseQueue serialises every access, so its reads need no transaction of their own; a
    // pool's readers run beside the writer and keep one, for a consistent snapshot.
    private func syncRead<T>(_ body: (Database) throws -> T) throws -> T {
        writer is DatabaseQueue ? try writer.unsafeRead(body) : try writer.read(body)
    }
    private func syncWrite<T>(_ body: (Database) throws -> T) throws -> T { try writer.write(body) }

    /// Runs what is due at the emulator's now (expiry, delayed results) and delivers webhooks.
    public func tick() async {
        let now = self.now
        let services = self.services
        _ = try? await writer.write { db in
            var context = RequestContext(db: db, request: WireRequest(method: "POST", path: "/_emulator/tick"), params: [:],
                                         now: now, services: services)
            try Timers.runDue(&context)
            try WebhookEvents.enqueue(context.events, in: context)
            self.nextTimer.set(try Timers.earliest(db))
        }
        cache.invalidate()
        dispatcher.noteWrite()
        await deliverDueWebhooks()
    }

    func deliverDueWebhooks() async {
        await dispatcher.deliverDue(writer: writer, now: now)
    }

    static func bearer(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }
}

/// A value behind a lock, for the few pieces of shared state outside the store.
final class LockedValue<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T { lock.withLock { stored } }
    func set(_ value: T) { lock.withLock { stored = value } }
    func update<R, E: Error>(_ body: (inout T) throws(E) -> R) throws(E) -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&stored)
    }
}
