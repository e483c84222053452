import Foundation
import GRDB
import JSONCodec

/// When a signature request expires (§6.1): the expiration date is a day on input and a
/// date-time on output (§9.12); it defaults to 6 months after activation and may be at most a
/// year ahead.
enum SignatureRequestExpiration {
    static let timerAction = "expire_signature_request"

    /// The last second of `day` in the request's time zone [I]: `2026-03-01` in Europe/Paris is
    /// `2026-03-01T22:59:59+00:00`, like the spec's examples (`…T22:59:00Z`, `…T23:59:59+00:00`).
    static func endOfDay(_ day: String, timezone: String) -> Date {
        let start = Timestamp.parseDay(day) ?? Date(timeIntervalSince1970: 0)
        guard let tz = TimeZone(identifier: timezone) else { return start.addingTimeInterval(86_399) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: start)
        calendar.timeZone = tz
        let localStart = calendar.date(from: c) ?? start
        let nextDay = calendar.date(byAdding: .day, value: 1, to: localStart) ?? localStart.addingTimeInterval(86_400)
        return nextDay.addingTimeInterval(-1)
    }

    /// The default [I]: the same day 6 months after `from` (activation, or creation while a
    /// draft), to its last second.
    static func defaultDate(from: Date, timezone: String) -> Date {
        endOfDay(Timestamp.day(addMonths(6, to: from)), timezone: timezone)
    }

    static func addMonths(_ months: Int, to date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(byAdding: .month, value: months, to: date) ?? date
    }

    /// `date.out_of_range` (a documented error type) unless `day` is today or later and at most a
    /// year from now (days compared in UTC [I]).
    static func checkRange(_ day: String, now: Date, field: String = "expiration_date") throws {
        let today = Timestamp.day(now)
        let limit = Timestamp.day(addMonths(12, to: now))
        if day < today {
            throw APIError.badRequest("date.out_of_range", "The \(field) \(day) is in the past.")
        }
        if day > limit {
            throw APIError.badRequest("date.out_of_range", "The \(field) \(day) is more than one year ahead (at most \(limit)).")
        }
    }

    /// The stored `expiration_date` for a request's explicit day (`_expiration_day`) or the
    /// default counted from `from`.
    static func value(_ sr: JSONObject, from: Date) -> JSONValue {
        let tz = sr["timezone"]?.stringValue ?? "Europe/Paris"
        if let day = sr["_expiration_day"]?.stringValue { return .string(Timestamp.string(endOfDay(day, timezone: tz))) }
        return .string(Timestamp.string(defaultDate(from: from, timezone: tz)))
    }

    /// Schedules expiry one second after the expiration date-time, i.e. once the day is over.
    static func schedule(_ db: Database, _ sr: JSONObject) throws {
        try Timers.cancel(db, action: timerAction, target: sr.recordID)
        guard let at = sr["expiration_date"]?.stringValue.flatMap(Timestamp.parse) else { return }
        try Timers.schedule(db, at: at.addingTimeInterval(1), action: timerAction, target: sr.recordID)
    }

    static func cancel(_ db: Database, _ srID: String) throws {
        try Timers.cancel(db, action: timerAction, target: srID)
    }
}
