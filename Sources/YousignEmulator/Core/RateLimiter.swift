import Foundation
import YousignWire

/// Yousign's per-minute and per-hour quotas (API.md §2.7), counted per API key on the emulator
/// clock; both windows reset on their wall-clock boundary. With `off`, nothing is counted and no
/// rate-limit headers are sent [I].
final class RateLimiter: @unchecked Sendable {
    enum Outcome {
        case allowed(WireHeaders)
        case limited(WireHeaders, retryAfter: Int)
    }

    private struct Counter {
        var minute: Int64 = -1
        var hour: Int64 = -1
        var inMinute = 0
        var inHour = 0
    }

    let mode: EmulatorConfiguration.RateLimit
    private let lock = NSLock()
    private var counters: [String: Counter] = [:]

    init(_ mode: EmulatorConfiguration.RateLimit) { self.mode = mode }

    func take(key: String, now: Date) -> Outcome {
        guard mode != .off else { return .allowed([:]) }
        let t = Int64(now.timeIntervalSince1970.rounded(.down))
        let minute = t / 60, hour = t / 3600
        return lock.withLock {
            var c = counters[key] ?? Counter()
            if c.minute != minute { c.minute = minute; c.inMinute = 0 }
            if c.hour != hour { c.hour = hour; c.inHour = 0 }
            let resetMinute = Int(60 - t % 60), resetHour = Int(3600 - t % 3600)
            let limited = c.inMinute >= mode.perMinute || c.inHour >= mode.perHour
            if !limited {
                c.inMinute += 1
                c.inHour += 1
            }
            counters[key] = c
            let headers: WireHeaders = [
                "RateLimit-Limit": String(mode.perMinute),
                "RateLimit-Remaining": String(max(0, mode.perMinute - c.inMinute)),
                "RateLimit-Reset": String(resetMinute),
                "X-RateLimit-Limit-Minute": String(mode.perMinute),
                "X-RateLimit-Remaining-Minute": String(max(0, mode.perMinute - c.inMinute)),
                "X-RateLimit-Limit-Hour": String(mode.perHour),
                "X-RateLimit-Remaining-Hour": String(max(0, mode.perHour - c.inHour)),
            ]
            if limited {
                return .limited(headers, retryAfter: c.inMinute >= mode.perMinute ? resetMinute : resetHour)
            }
            return .allowed(headers)
        }
    }

    func reset() { lock.withLock { counters.removeAll() } }
}
