import Foundation

/// The emulator's notion of now. Time can be advanced (`POST /_emulator/clock/advance`) so that
/// expiry, delayed verification results and webhook retries happen without waiting.
public protocol EmulatorClock: Sendable {
    /// The real (or fixed) time, before the emulator's own offset is added.
    func baseNow() -> Date
}

/// Wall-clock time.
public struct SystemClock: EmulatorClock {
    public init() {}
    public func baseNow() -> Date { Date() }
}

/// A fixed instant: tests get the same timestamps every run.
public struct FixedClock: EmulatorClock {
    public let instant: Date
    public init(_ instant: Date = Date(timeIntervalSince1970: 1_767_225_600)) { self.instant = instant } // 2026-01-01
    public func baseNow() -> Date { instant }
}

/// Makes ids for new resources.
public protocol IDGenerator: Sendable {
    func next() -> String
}

/// Random version-4 UUIDs, lowercased as Yousign returns them.
public struct RandomIDs: IDGenerator {
    public init() {}
    public func next() -> String { UUID().uuidString.lowercased() }
}

/// Predictable UUIDs (`00000000-0000-4000-8000-000000000001`, ...): the same ids every test run.
public final class SequentialIDs: IDGenerator, @unchecked Sendable {
    private let lock = NSLock()
    private var counter: UInt64
    private let prefix: String
    public init(prefix: String = "00000000", start: UInt64 = 0) {
        self.counter = start
        self.prefix = prefix
    }
    public func next() -> String {
        let n = lock.withLock { counter += 1; return counter }
        let hex = String(n, radix: 16)
        return "\(prefix)-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    }
}

enum Timestamp {
    /// ISO-8601 with `+00:00`, as the Yousign guides show (`2024-01-18T22:59:00+00:00`).
    static func string(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d+00:00", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// `yyyy-mm-dd` in UTC.
    static func day(_ date: Date) -> String { String(string(date).prefix(10)) }

    /// Parses `yyyy-mm-dd` as midnight UTC.
    static func parseDay(_ s: String) -> Date? {
        let parts = s.split(separator: "-")
        guard s.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: y, month: m, day: d)),
              calendar.component(.day, from: date) == d else { return nil }
        return date
    }

    /// Parses the date-times this emulator writes and common ISO-8601 forms.
    static func parse(_ s: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: s)
    }
}
