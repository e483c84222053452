import Foundation
import Logging
import YousignWire

/// Calls Yousign's API v3 (or an emulator of it) through a transport: authentication, retries,
/// the client-side rate limiter, and errors that read well and never show the key.
///
/// ```swift
/// let client = YousignClient(transport: InProcessTransport { await emulator.handle($0) },
///                            apiKey: APIKey("emulator-test-key"))
/// let op = Operation.named("workflow_sessions.get")!
/// let result = try await client.send(try op.call(pathArguments: [sessionId]))
/// ```
public final class YousignClient: Sendable {
    public let transport: any Transport
    let apiKey: APIKey
    public let retry: RetryPolicy
    public let timeout: Duration
    let clock: any WaitClock
    let limiter = ClientRateLimiter()
    /// Spaces requests within the key's quota, shared with every client of the same key.
    public let gate: (any RequestGate)?
    let logger: Logger

    public init(
        transport: any Transport, apiKey: APIKey, retry: RetryPolicy = .default, timeout: Duration = .seconds(30),
        clock: any WaitClock = SystemWaitClock(), gate: (any RequestGate)? = nil, logger: Logger = Logger(label: "onboard.yousign")
    ) {
        self.gate = gate
        self.transport = transport
        self.apiKey = apiKey
        self.retry = retry
        self.timeout = timeout
        self.clock = clock
        self.logger = logger
    }

    /// Sends a call, retrying as `retry` allows, and returns its success result. Cancelling the
    /// calling task stops it at once, in flight or between attempts, with an `interrupted` error.
    public func send(_ call: APICall) async throws(YousignError) -> APIResult {
        let request = try wireRequest(call)
        var attempt = 1
        while true {
            var pause = 0.0
            if let until = await limiter.blockedUntil {
                pause = max(0, until - (await clock.now()))
                if pause == 0 { await limiter.clear() }
            }
            if pause > retry.maxRetryAfter {
                throw YousignError(status: nil, type: "rate_limited",
                                   detail: "the API quota is used up for the next \(Int(pause.rounded(.up))) s; try again later",
                                   method: call.method, path: call.path)
            }
            if pause > 0 {
                logger.notice("rate limit reached: waiting \(format(pause)) s before \(call.method) \(call.path)")
                await clock.sleep(seconds: pause)
            }
            // a cancelled task (Ctrl-C) sends nothing more: the backoff sleep returned early
            if Task.isCancelled { throw .interrupted(call, inFlight: false, resending: attempt > 1) }
            if let gate {
                await gate.admit()
                if Task.isCancelled {
                    await gate.observe(status: nil, headers: [:])
                    throw .interrupted(call, inFlight: false, resending: attempt > 1)
                }
            }
            let started = ContinuousClock.now
            let response: WireResponse
            do {
                response = try await transport.send(request, timeout: timeout)
            } catch {
                await gate?.observe(status: nil, headers: [:])
                if error.kind == .cancelled { throw .interrupted(call, inFlight: true, resending: attempt > 1) }
                let type = error.kind == .timeout ? "transport.timeout" : "transport.error"
                let failure = YousignError(status: nil, type: type, detail: apiKey.redact(error.message),
                                           method: call.method, path: call.path)
                guard attempt < retry.maxAttempts, retry.shouldRetry(error, idempotent: call.isIdempotent) else { throw failure }
                let wait = retry.delay(afterAttempt: attempt, retryAfter: nil, random: Double.random(in: 0...1))
                logger.notice("\(call.method) \(call.path): \(failure.detail); retrying in \(format(wait)) s (attempt \(attempt + 1) of \(retry.maxAttempts))")
                await clock.sleep(seconds: wait)
                attempt += 1
                continue
            }
            await gate?.observe(status: response.status, headers: response.headers)
            if ClientRateLimiter.exhausted(response.headers) { await limiter.observe(response.headers, now: clock.now()) }
            logger.debug("\(call.method) \(call.path) -> \(response.status) (\(started.duration(to: .now).milliseconds) ms)")
            if (200...299).contains(response.status) {
                var scrubbed = response
                scrubbed.body = apiKey.redact(bytes: response.body)
                return Self.result(scrubbed)
            }
            let retryAfter = response.headers["Retry-After"].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            var failure = YousignError.fromResponse(status: response.status, body: apiKey.redact(bytes: response.body), method: call.method,
                                                    path: call.path, retryAfter: retryAfter)
            failure.detail = apiKey.redact(failure.detail)
            if let retryAfter, retryAfter > retry.maxRetryAfter { throw failure }
            guard attempt < retry.maxAttempts, retry.shouldRetry(status: response.status, idempotent: call.isIdempotent) else {
                throw failure
            }
            let wait = retry.delay(afterAttempt: attempt, retryAfter: retryAfter, random: Double.random(in: 0...1))
            if let retryAfter { await limiter.blocked(until: clock.now() + retryAfter) }
            logger.notice("\(call.method) \(call.path): \(response.status) \(failure.type); retrying in \(format(wait)) s (attempt \(attempt + 1) of \(retry.maxAttempts))")
            await clock.sleep(seconds: wait)
            attempt += 1
        }
    }

    /// The request as it goes on the wire, `Authorization` included.
    func wireRequest(_ call: APICall) throws(YousignError) -> WireRequest {
        var headers: WireHeaders = ["Accept": "application/json, */*"]
        headers.set("Authorization", apiKey.authorization)
        headers.set("User-Agent", "onboard/0.1")
        var body: [UInt8] = []
        switch call.body {
        case .none: break
        case .json(let bytes):
            headers.set("Content-Type", "application/json")
            body = bytes
        case .multipart(let fields, let files):
            do {
                let encoded = try Multipart.encode(fields: fields, files: files)
                headers.set("Content-Type", encoded.contentType)
                body = encoded.body
            } catch {
                throw YousignError(status: nil, type: "request.invalid", detail: "cannot encode the multipart body: \(error)",
                                   method: call.method, path: call.path)
            }
        }
        return WireRequest(method: call.method, path: call.path, query: call.query, headers: headers, body: body)
    }

    static func result(_ response: WireResponse) -> APIResult {
        if response.status == 204 || response.body.isEmpty { return .empty }
        let type = response.headers.mediaType
        if type == "application/json" || type?.hasSuffix("+json") == true { return .json(response.body) }
        return .binary(response.body, contentType: response.headers["Content-Type"])
    }

    private func format(_ seconds: Double) -> String { String(format: "%.1f", seconds) }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}

extension Operation {
    /// The operation with this Lua name (`signature_requests.activate`).
    public static func named(_ luaName: String) -> Operation? { byLuaName[luaName] }

    static let byLuaName: [String: Operation] = Dictionary(all.map { ($0.luaName, $0) }, uniquingKeysWith: { a, _ in a })
}
