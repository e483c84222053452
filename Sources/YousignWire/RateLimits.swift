/// A set of request quotas, each a count per window of time: Yousign's documented ones
/// (API.md §2.7: sandbox 30/min and 200/h, production 60/min and 1200/h), or custom ones for
/// tests and demos written `10/s,300/min,5000/h`.
///
/// The emulator counts them per API key in wall-clock windows (each resets at the start of its
/// second, minute or hour); the client spaces its requests so that none is exceeded.
public struct RateLimits: Sendable, Hashable, CustomStringConvertible {
    public struct Window: Sendable, Hashable {
        /// Requests allowed per window.
        public var count: Int
        /// The window's length in seconds: 1, 60 or 3600.
        public var seconds: Int

        public init(count: Int, seconds: Int) {
            self.count = count
            self.seconds = seconds
        }

        /// `s`, `min` or `h`.
        public var unit: String {
            switch seconds {
            case 1: "s"
            case 60: "min"
            case 3600: "h"
            default: "\(seconds)s"
            }
        }
    }

    /// The windows, shortest first; empty means no limit.
    public var windows: [Window]

    public init(_ windows: [Window]) {
        self.windows = windows.sorted { $0.seconds < $1.seconds }
    }

    public static let none = RateLimits([])
    public static let sandbox = RateLimits([Window(count: 30, seconds: 60), Window(count: 200, seconds: 3600)])
    public static let production = RateLimits([Window(count: 60, seconds: 60), Window(count: 1200, seconds: 3600)])

    public var isEmpty: Bool { windows.isEmpty }

    /// The window of `seconds`, if limited.
    public func count(per seconds: Int) -> Int? { windows.first { $0.seconds == seconds }?.count }

    /// The sustained rate these allow, in requests per second (the tightest window).
    public var perSecond: Double? {
        windows.map { Double($0.count) / Double($0.seconds) }.min()
    }

    /// `10/s,300/min,5000/h`.
    public var description: String {
        windows.map { "\($0.count)/\($0.unit)" }.joined(separator: ",")
    }

    /// Reads `10/s,300/min,5000/h` (units `s`, `sec`, `m`, `min`, `h`, `hour`; each at most
    /// once), `sandbox`, `production` or `off`. The error says what is wrong, for a message
    /// that names the flag or key it came from.
    public static func parse(_ text: String) -> Result<RateLimits, ParseError> {
        let trimmed = text.trimmingCharactersInSet(" ")
        switch trimmed {
        case "off", "none": return .success(.none)
        case "sandbox": return .success(.sandbox)
        case "production": return .success(.production)
        default: break
        }
        var windows: [Window] = []
        for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let piece = String(part).trimmingCharactersInSet(" ")
            let halves = piece.split(separator: "/", omittingEmptySubsequences: false)
            guard halves.count == 2, let count = Int(halves[0]), count > 0 else {
                return .failure(ParseError(text: text, reason: "'\(piece)' is not COUNT/UNIT with a positive count"))
            }
            let seconds: Int
            switch halves[1].lowercased() {
            case "s", "sec", "second": seconds = 1
            case "m", "min", "minute": seconds = 60
            case "h", "hour": seconds = 3600
            default:
                return .failure(ParseError(text: text, reason: "'\(halves[1])' is not a unit (s, min or h)"))
            }
            guard !windows.contains(where: { $0.seconds == seconds }) else {
                return .failure(ParseError(text: text, reason: "the unit '\(halves[1])' is given twice"))
            }
            windows.append(Window(count: count, seconds: seconds))
        }
        return .success(RateLimits(windows))
    }

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var text: String
        public var reason: String
        public var description: String {
            "'\(text)' is not a rate limit like 10/s,300/min,5000/h (or sandbox, production, off): \(reason)"
        }
    }
}

extension String {
    fileprivate func trimmingCharactersInSet(_ character: Character) -> String {
        var s = Substring(self)
        while s.first == character { s.removeFirst() }
        while s.last == character { s.removeLast() }
        return String(s)
    }
}
