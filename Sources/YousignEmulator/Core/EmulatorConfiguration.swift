import Foundation
import YousignWire

/// How an emulator is set up.
public struct EmulatorConfiguration: Sendable {
    public enum Storage: Sendable {
        /// A SQLite file: survives restarts, safe under concurrent requests.
        case file(String)
        /// In memory, for tests and `--ephemeral`.
        case memory
    }

    /// Yousign's rate limits (API.md §2.7: `.sandbox`, `.production`), custom ones
    /// (`10/s,300/min,5000/h`), or none (`.off`).
    public typealias RateLimit = RateLimits

    public var storage: Storage
    public var clock: any EmulatorClock
    public var ids: any IDGenerator
    public var rateLimit: RateLimit
    /// Fixtures loaded into a new store (and used to extend or replace the defaults).
    public var fixtures: Fixtures
    /// Seconds of emulator time before a verification with an ordinary magic name reaches its
    /// final status; 0 means it is final in the create response (as the seed guide shows).
    public var verificationDelay: TimeInterval
    /// Sends webhook deliveries; nil records them as undeliverable (no network).
    public var webhookSender: (any WebhookSender)?

    public init(
        storage: Storage = .memory, clock: any EmulatorClock = SystemClock(), ids: any IDGenerator = RandomIDs(),
        rateLimit: RateLimit = .off, fixtures: Fixtures = .defaults, verificationDelay: TimeInterval = 0,
        webhookSender: (any WebhookSender)? = nil
    ) {
        self.storage = storage
        self.clock = clock
        self.ids = ids
        self.rateLimit = rateLimit
        self.fixtures = fixtures
        self.verificationDelay = verificationDelay
        self.webhookSender = webhookSender
    }
}

/// Delivers a webhook: POSTs `body` with `headers` to `url`; returns the HTTP status, or throws
/// on a network failure or timeout.
public protocol WebhookSender: Sendable {
    func send(url: String, headers: [(String, String)], body: [UInt8], timeout: TimeInterval) async throws -> Int
}

extension RateLimits {
    /// No limits: nothing is counted and no rate-limit headers are sent.
    public static let off = RateLimits.none
}
