import Foundation

/// A five-field cron expression (minute hour day-of-month month day-of-week), in UTC, as
/// crontab(5) reads it: `*`, numbers, ranges `1-5`, steps `*/15` and `0-30/10`, lists `1,15`;
/// Sunday is 0 or 7; when both day fields are restricted a day matching either one is due.
/// Ours because no cron package is among the offline Swift packages, and this is sixty lines.
public struct CronSchedule: Sendable, Equatable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    let minutes: Set<Int>, hours: Set<Int>, days: Set<Int>, months: Set<Int>, weekdays: Set<Int>
    let anyDay: Bool, anyWeekday: Bool

    public init(_ text: String) throws(Failure) {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw Failure(description: "a cron expression has five fields (minute hour day month weekday), like \"0 9 * * 1-5\"; this has \(fields.count)")
        }
        minutes = try Self.field(fields[0], 0...59, "minute")
        hours = try Self.field(fields[1], 0...23, "hour")
        days = try Self.field(fields[2], 1...31, "day of month")
        months = try Self.field(fields[3], 1...12, "month")
        weekdays = Set(try Self.field(fields[4], 0...7, "day of week").map { $0 % 7 })
        anyDay = fields[2] == "*"
        anyWeekday = fields[4] == "*"
    }

    static func field(_ text: String, _ range: ClosedRange<Int>, _ name: String) throws(Failure) -> Set<Int> {
        var out = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw Failure(description: "the \(name) field '\(text)' has two steps") }
            var step = 1
            if pieces.count == 2 {
                guard let s = Int(pieces[1]), s > 0 else { throw Failure(description: "the \(name) field '\(text)' has a step that is not a positive number") }
                step = s
            }
            var low = range.lowerBound, high = range.upperBound
            if pieces[0] != "*" {
                let bounds = pieces[0].split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count <= 2, let a = Int(bounds[0]), let b = Int(bounds.count == 2 ? bounds[1] : bounds[0]) else {
                    throw Failure(description: "the \(name) field '\(text)' is not *, a number, a range or a list of them")
                }
                guard range.contains(a), range.contains(b), a <= b else {
                    throw Failure(description: "the \(name) field '\(text)' is outside \(range.lowerBound)-\(range.upperBound)")
                }
                (low, high) = (a, bounds.count == 2 || pieces.count == 2 ? b : a)
                if pieces.count == 2 && bounds.count == 1 { high = range.upperBound }
            }
            out.formUnion(stride(from: low, through: high, by: step))
        }
        return out
    }

    static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()

    func matchesDay(_ c: DateComponents) -> Bool {
        guard let month = c.month, months.contains(month), let day = c.day, let weekday = c.weekday else { return false }
        let d = days.contains(day), w = weekdays.contains(weekday - 1)
        if anyDay && anyWeekday { return true }
        if anyDay { return w }
        if anyWeekday { return d }
        return d || w
    }

    /// The first due minute after `time` (within a year and a day).
    public func next(after time: Double) -> Double? {
        var t = (time / 60).rounded(.down) * 60 + 60
        let end = time + 367 * 86400
        while t <= end {
            let c = Self.calendar.dateComponents([.month, .day, .weekday, .hour, .minute], from: Date(timeIntervalSince1970: t))
            if !matchesDay(c) { t = (t / 86400).rounded(.down) * 86400 + 86400; continue }
            if !hours.contains(c.hour!) { t = (t / 3600).rounded(.down) * 3600 + 3600; continue }
            if minutes.contains(c.minute!) { return t }
            t += 60
        }
        return nil
    }

    /// The last due minute at or before `now` and after `after`, if any.
    public func latest(atOrBefore now: Double, after: Double) -> Double? {
        var t = (now / 60).rounded(.down) * 60
        let floor = max(after, now - 367 * 86400)
        while t > floor {
            let c = Self.calendar.dateComponents([.month, .day, .weekday, .hour, .minute], from: Date(timeIntervalSince1970: t))
            if !matchesDay(c) { t = (t / 86400).rounded(.down) * 86400 - 60; continue }
            if !hours.contains(c.hour!) { t = (t / 3600).rounded(.down) * 3600 - 60; continue }
            if minutes.contains(c.minute!) { return t }
            t -= 60
        }
        return nil
    }
}
