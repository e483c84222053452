import YousignWire

/// Follows the server's RateLimit headers so a busy flow waits before it is refused: when a
/// response says no request is left in the current minute (or hour), the next request waits
/// until the quota resets. 429s are still handled by the retry policy (`Retry-After`).
actor ClientRateLimiter {
    private var notBefore: Double = 0

    /// The instant before which no request may go, if one is set (reading the clock costs a
    /// request on an emulator, so the client reads it only then).
    var blockedUntil: Double? { notBefore > 0 ? notBefore : nil }

    func clear() { notBefore = 0 }

    /// Whether these headers say the quota is used up (then `observe` needs the time).
    nonisolated static func exhausted(_ headers: WireHeaders) -> Bool {
        let minuteLeft = Int(headers["X-RateLimit-Remaining-Minute"] ?? headers["RateLimit-Remaining"] ?? "")
        let hourLeft = Int(headers["X-RateLimit-Remaining-Hour"] ?? "")
        return (minuteLeft ?? 1) <= 0 || (hourLeft ?? 1) <= 0
    }

    func observe(_ headers: WireHeaders, now: Double) {
        let minuteLeft = Int(headers["X-RateLimit-Remaining-Minute"] ?? headers["RateLimit-Remaining"] ?? "")
        let hourLeft = Int(headers["X-RateLimit-Remaining-Hour"] ?? "")
        if let minuteLeft, minuteLeft <= 0, let reset = Double(headers["RateLimit-Reset"] ?? "") {
            notBefore = max(notBefore, now + reset)
        }
        if let hourLeft, hourLeft <= 0 {
            // the hour's reset is not in the headers: the top of the next hour (§2.7: counters
            // reset at the start of each hour)
            let nextHour = (now / 3600).rounded(.down) * 3600 + 3600
            notBefore = max(notBefore, nextHour)
        }
    }

    func blocked(until instant: Double) { notBefore = max(notBefore, instant) }
}
