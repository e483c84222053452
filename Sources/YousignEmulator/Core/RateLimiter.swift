import Foundation
import YousignWire

/// Yousign's quotas (API.md §2.7), or custom ones (`--rate-limits 10/s,300/min,5000/h`),
/// counted per API key on the emulator clock; each window resets on its wall-clock boundary
/// (the start of its second, minute or hour). With no limits, nothing is refused and no
/// rate-limit headers are sent [I]. It also keeps, per key, how many requests each second of
/// the last hour let through and refused (`traffic`), so tests and demos can measure a client's
/// rate from the server's side.
final class RateLimiter: @unchecked Sendable {
    enum Outcome {
        case allowed(WireHeaders)
        case limited(WireHeaders, retryAfter: Int)
    }

    /// One second of one key's traffic.
    struct Second: Equatable {
        var second: Int64
        var allowed = 0
        var limited = 0
    }

    private struct Counter {
        /// Per window (in `limits.windows` order): which window it is, and how many it let through.
        var current: [(index: Int64, count: Int)] = []
        var traffic: [Second] = []
    }

    let limits: RateLimits
    private let lock = NSLock()
    private var counters: [String: Counter] = [:]
    /// Seconds of traffic kept per key.
    static let trafficSeconds = 3600

    init(_ limits: RateLimits) { self.limits = limits }

    func take(key: String, now: Date) -> Outcome {
        let t = Int64(now.timeIntervalSince1970.rounded(.down))
        // with no limits the traffic is still counted: /_emulator/traffic shows what a client sent
        guard !limits.isEmpty else {
            lock.withLock {
                var c = counters[key] ?? Counter(current: [])
                Self.note(&c.traffic, second: t, limited: false)
                counters[key] = c
            }
            return .allowed([:])
        }
        return lock.withLock {
            var c = counters[key] ?? Counter(current: limits.windows.map { _ in (-1, 0) })
            for (i, w) in limits.windows.enumerated() where c.current[i].index != t / Int64(w.seconds) {
                c.current[i] = (t / Int64(w.seconds), 0)
            }
            let exhausted = limits.windows.indices.filter { c.current[$0].count >= limits.windows[$0].count }
            if exhausted.isEmpty {
                for i in c.current.indices { c.current[i].count += 1 }
            }
            Self.note(&c.traffic, second: t, limited: !exhausted.isEmpty)
            counters[key] = c
            let headers = self.headers(c, t: t)
            if let longest = exhausted.last {
                let w = Int64(limits.windows[longest].seconds)
                return .limited(headers, retryAfter: Int(w - t % w))
            }
            return .allowed(headers)
        }
    }

    /// API.md §2.7's headers: `RateLimit-*` for the minute (or, with no minute quota, the
    /// shortest window [I]), `X-RateLimit-*-Minute` and `-Hour`, and `-Second` for a
    /// per-second quota, which Yousign does not have [I].
    private func headers(_ c: Counter, t: Int64) -> WireHeaders {
        var headers: WireHeaders = [:]
        let main = limits.windows.firstIndex { $0.seconds == 60 } ?? 0
        for (i, w) in limits.windows.enumerated() {
            let remaining = String(max(0, w.count - c.current[i].count))
            let name = switch w.seconds {
            case 1: "Second"
            case 60: "Minute"
            default: "Hour"
            }
            headers.set("X-RateLimit-Limit-\(name)", String(w.count))
            headers.set("X-RateLimit-Remaining-\(name)", remaining)
            if i == main {
                headers.set("RateLimit-Limit", String(w.count))
                headers.set("RateLimit-Remaining", remaining)
                headers.set("RateLimit-Reset", String(Int64(w.seconds) - t % Int64(w.seconds)))
            }
        }
        return headers
    }

    private static func note(_ traffic: inout [Second], second: Int64, limited: Bool) {
        if traffic.last?.second != second {
            traffic.append(Second(second: second))
            if traffic.count > trafficSeconds { traffic.removeFirst(traffic.count - trafficSeconds) }
        }
        if limited { traffic[traffic.count - 1].limited += 1 } else { traffic[traffic.count - 1].allowed += 1 }
    }

    /// The seconds of the last hour in which `key` (every key, for nil) sent requests.
    func traffic(key: String?) -> [Second] {
        lock.withLock {
            guard let key else {
                var merged: [Int64: Second] = [:]
                for c in counters.values {
                    for s in c.traffic {
                        merged[s.second, default: Second(second: s.second)].allowed += s.allowed
                        merged[s.second, default: Second(second: s.second)].limited += s.limited
                    }
                }
                return merged.values.sorted { $0.second < $1.second }
            }
            return counters[key]?.traffic ?? []
        }
    }

    func reset() { lock.withLock { counters.removeAll() } }
}
