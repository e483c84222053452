import Crypto
import Foundation
import OnboardRuns
import Synchronization
import YousignAPI
import YousignWire

/// One API key's share of its quota, for every client, run and batch on the machine: requests
/// are spaced so that none is refused (the slots come from the run store, where every process
/// using the key meets), while the key is kept as busy as its limits allow.
///
/// The limits are, in order: the client's `rate_limit` (onboard.toml), the ones the responses'
/// `X-RateLimit-Limit-*` headers give (stored, so the next process knows them), Yousign's
/// documented ones for its hosts. Until one of those is known, requests go one at a time, so a
/// burst cannot exceed a quota not yet heard of. A backend that sends no rate-limit header has
/// no limits: requests then go at once, and the store is not touched.
public final class RateGate: RequestGate {
    /// A digest of the key (never the key), the store's name for it.
    public let keyID: String
    let store: RunStore?
    let configured: RateLimits?
    private let state = Mutex(State())
    private let probe = ProbeTurn()

    struct State {
        var learned: RateLimits?
        var limited = 0
        var answered = 0
        var sent: [Double] = []
    }

    /// - Parameters:
    ///   - configured: limits that override what the server says (a client's `rate_limit`).
    ///   - documented: limits to assume until the server says otherwise (Yousign's hosts).
    public init(key: String, store: RunStore?, configured: RateLimits? = nil, documented: RateLimits? = nil) {
        keyID = Self.keyID(key)
        self.store = store
        self.configured = configured
        let stored = try? store?.rateLimits(key: keyID)
        state.withLock { $0.learned = stored ?? documented }
    }

    public static func keyID(_ key: String) -> String {
        SHA256.hash(data: Array("onboard rate gate\n\(key)".utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
    }

    /// Yousign's documented limits for a base URL: the sandbox's for its sandbox host,
    /// production's for other Yousign hosts, nil elsewhere (an emulator says its own).
    public static func documented(baseURL: String) -> RateLimits? {
        guard let host = URL(string: baseURL)?.host?.lowercased(), host.hasSuffix("yousign.app") || host.hasSuffix("yousign.com") else { return nil }
        return host.contains("sandbox") ? .sandbox : .production
    }

    /// The limits in force; nil while none is known.
    public var limits: RateLimits? { configured ?? state.withLock { $0.learned } }

    /// 429s seen (and retried by the client) since the gate was made.
    public var limitedCount: Int { state.withLock { $0.limited } }

    /// Requests that went through the gate and ended (answered or failed) since it was made.
    public var requestCount: Int { state.withLock { $0.answered } }

    /// Requests this process sent through the gate in the last 60 seconds.
    public func sentLastMinute(now: Double = Date().timeIntervalSince1970) -> Int {
        state.withLock { s in
            s.sent.removeAll { $0 < now - 60 }
            return s.sent.count
        }
    }

    public func admit() async {
        if self.limits == nil {
            await probe.take()
            // still unknown: this request is the probe; else it was let go when a limit came
            guard self.limits != nil else {
                note()
                return
            }
        }
        guard let limits = self.limits else { return }
        if limits.isEmpty {
            note()
            return
        }
        let now = Date().timeIntervalSince1970
        let slot: Double
        if let store, let reserved = try? store.reserveSlot(key: keyID, limits: limits, now: now) {
            slot = reserved
        } else {
            slot = memorySlot(limits, now: now)
        }
        if slot > now { try? await Task.sleep(for: .nanoseconds(Int64((slot - now) * 1e9))) }
        note()
    }

    public func observe(status: Int?, headers: WireHeaders) async {
        state.withLock {
            $0.answered += 1
            if status == 429 { $0.limited += 1 }
        }
        if status != nil {
            let heard = Self.limits(in: headers)
            let changed = state.withLock { s -> Bool in
                defer { s.learned = heard }
                return s.learned != heard
            }
            if changed, configured == nil, let store { try? store.setRateLimits(heard, key: keyID) }
        }
        // once a limit is known, the requests waiting for one go to the slots
        if limits != nil { await probe.open() } else { await probe.give() }
    }

    /// The limits the headers give: `X-RateLimit-Limit-Second`, `-Minute` and `-Hour` where
    /// any is present; otherwise `RateLimit-Limit`, over the window `RateLimit-Policy` names
    /// (`20;w=1`), else a minute (Yousign's documented window). None when there is no such header.
    public static func limits(in headers: WireHeaders) -> RateLimits {
        var windows: [RateLimits.Window] = []
        if let n = headers["X-RateLimit-Limit-Second"].flatMap({ Int($0) }), n > 0 { windows.append(.init(count: n, seconds: 1)) }
        if let n = headers["X-RateLimit-Limit-Minute"].flatMap({ Int($0) }), n > 0 { windows.append(.init(count: n, seconds: 60)) }
        if let n = headers["X-RateLimit-Limit-Hour"].flatMap({ Int($0) }), n > 0 { windows.append(.init(count: n, seconds: 3600)) }
        if windows.isEmpty, let n = headers["RateLimit-Limit"].flatMap({ Int($0) }), n > 0 {
            let window = headers["RateLimit-Policy"]?.split(separator: ";").dropFirst()
                .first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("w=") }
                .flatMap { Int($0.trimmingCharacters(in: .whitespaces).dropFirst(2)) } ?? 60
            windows.append(.init(count: n, seconds: max(1, window)))
        }
        return RateLimits(windows)
    }

    private func note() {
        let now = Date().timeIntervalSince1970
        state.withLock { s in
            s.sent.append(now)
            if s.sent.count > 4096 { s.sent.removeFirst(1024) }
        }
    }

    /// Without a store (`--ephemeral`): the same grid, in this process only.
    private let memory = Mutex(RateSlots())

    private func memorySlot(_ limits: RateLimits, now: Double) -> Double {
        memory.withLock { $0.next(now: now, limits: limits) }
    }
}

/// One request at a time while no limit is known.
private actor ProbeTurn {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func take() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func give() {
        guard busy else { return }
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }

    func open() {
        busy = false
        for w in waiting { w.resume() }
        waiting.removeAll()
    }
}
