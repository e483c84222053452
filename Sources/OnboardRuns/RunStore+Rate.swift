import Foundation
import GRDB
import YousignWire

/// The meeting point of every process that calls the API with one key: the limits known for
/// it and the last send time handed out, so that requests of all batches and runs on the
/// machine share the key's quota (`RateGate` hands out the slots).
extension RunStore {
    static func migrateRate(_ db: Database) throws {
        try db.execute(sql: """
            -- key: a digest of the API key, never the key
            CREATE TABLE rate_key (
              key TEXT PRIMARY KEY,
              limits TEXT NOT NULL,
              last_slot REAL NOT NULL DEFAULT 0,
              counts TEXT NOT NULL DEFAULT '{}'
            ) WITHOUT ROWID;
            """)
    }

    /// The limits stored for `key` (learned from a response's headers), if any.
    public func rateLimits(key: String) throws(RunStoreError) -> RateLimits? {
        try read { db in
            guard let text = try String.fetchOne(db, sql: "SELECT limits FROM rate_key WHERE key = ?", arguments: [key]) else { return nil }
            return try? RateLimits.parse(text).get()
        }
    }

    /// Stores the limits learned for `key`.
    public func setRateLimits(_ limits: RateLimits, key: String) throws(RunStoreError) {
        try write { db in
            try db.execute(sql: """
                INSERT INTO rate_key (key, limits) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET limits = excluded.limits
                """, arguments: [key, limits.isEmpty ? "off" : limits.description])
        }
    }

    /// Hands out the next send time for `key` under `limits`, at `now` or later, and records it
    /// (`RateSlots`), in one transaction: processes sharing the store never get the same slot.
    public func reserveSlot(key: String, limits: RateLimits, now: Double = Date().timeIntervalSince1970) throws(RunStoreError) -> Double {
        guard !limits.isEmpty else { return now }
        return try write { db in
            let row = try Row.fetchOne(db, sql: "SELECT last_slot, counts FROM rate_key WHERE key = ?", arguments: [key])
            var slots = RateSlots(last: row?["last_slot"] ?? 0, json: row?["counts"] ?? "{}")
            let slot = slots.next(now: now, limits: limits)
            try db.execute(sql: """
                INSERT INTO rate_key (key, limits, last_slot, counts) VALUES (?, ?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET last_slot = excluded.last_slot, counts = excluded.counts
                """, arguments: [key, limits.description, slot, slots.json])
            return slot
        }
    }
}

/// The send times handed out for one key: the last one, and per window length which window
/// (its index since 1970) and how many slots it got.
///
/// The times sit on an even grid within each window of the quota whose spacing is widest
/// (window start + j × (length − slack)/count, j < count), so that a window's last request
/// leaves `slack` and one interval, for the time a request takes to arrive, before the next
/// window starts; every other window's count is kept too.
public struct RateSlots: Sendable {
    public var last: Double
    var byWindow: [Int: (index: Int64, count: Int)] = [:]

    public init(last: Double = 0, json: String = "{}") {
        self.last = last
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: [Int64]] else { return }
        for (k, v) in object where v.count == 2 { if let s = Int(k) { byWindow[s] = (v[0], Int(v[1])) } }
    }

    var json: String {
        let object = Dictionary(uniqueKeysWithValues: byWindow.map { (String($0.key), [$0.value.index, Int64($0.value.count)]) })
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    func count(_ seconds: Int, at t: Double) -> Int {
        guard let c = byWindow[seconds], c.index == Int64((t / Double(seconds)).rounded(.down)) else { return 0 }
        return c.count
    }

    mutating func take(_ seconds: Int, at t: Double) {
        let index = Int64((t / Double(seconds)).rounded(.down))
        let count = byWindow[seconds].map { $0.index == index ? $0.count : 0 } ?? 0
        byWindow[seconds] = (index, count + 1)
    }

    /// Time left free at the end of each window of the binding quota.
    public static let slack = 0.2

    /// The next send time after the last one and not before `now`, taken.
    ///
    /// The grid belongs to the quota whose spacing is widest (Yousign's hour: 1200/h is a
    /// request every 3 s), but a window may run ahead of it by the count of the narrowest other
    /// quota (the minute's 60), so that a flow run alone sends its requests at once; every
    /// quota is counted, so none is ever exceeded. Yousign's windows are fixed (API.md §2.7).
    public mutating func next(now: Double, limits: RateLimits) -> Double {
        guard let binding = limits.windows.max(by: { Double($0.seconds) / Double($0.count) < Double($1.seconds) / Double($1.count) }),
              let shortest = limits.windows.min(by: { $0.seconds < $1.seconds }) else {
            return now
        }
        let length = Double(binding.seconds)
        // the grid ends `slack` before the window does: a request sent in a window's last
        // moments can arrive in the next one (measured against a 20/s emulator on this 2-core
        // machine: one 429 every 3 s with no slack, none with 200 ms)
        let slack = min(Self.slack, length * 0.2)
        let interval = (length - slack) / Double(binding.count)
        let burst = limits.windows.filter { $0 != binding }.map(\.count).min() ?? 0
        let short = Double(shortest.seconds), shortSlack = min(Self.slack, short * 0.2)
        var candidate = max(now, last + 1e-6)
        for _ in 0..<10_000 {
            let start = (candidate / length).rounded(.down) * length
            let used = count(binding.seconds, at: candidate)
            let slot: Double
            if used < burst {
                // ahead of the grid, but not in the narrowest window's last moments either
                let shortStart = (candidate / short).rounded(.down) * short
                if candidate > shortStart + short - shortSlack {
                    candidate = shortStart + short
                    continue
                }
                slot = candidate
            } else {
                let j = max(0, ((candidate - start) / interval - 1e-9).rounded(.up), Double(used - burst))
                slot = Int(j) >= binding.count ? start + length : start + j * interval
            }
            // every window must have room at that instant; if one is full, try its next window
            if let full = limits.windows.first(where: { count($0.seconds, at: slot) >= $0.count }) {
                let w = Double(full.seconds)
                candidate = ((slot / w).rounded(.down) + 1) * w
                continue
            }
            for w in limits.windows { take(w.seconds, at: slot) }
            last = slot
            return slot
        }
        return candidate
    }
}
