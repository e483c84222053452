import Foundation
import LuaKit

/// The flag that sets each limit, for messages that tell the user what to change. LuaKit knows
/// limits, not this program's command line.
extension LuaLimitKind {
    public var flag: String {
        switch self {
        case .memory: "--memory-limit"
        case .instructions: "--instruction-limit"
        case .time: "--time-limit"
        case .output: "--output-limit"
        case .cancelled: ""
        }
    }
}

/// Parses and formats the sizes ("64KB", "64MB", "1GB", "512") and durations
/// ("500ms", "30s", "2m", "1h", "1.5s") the CLI accepts. Sizes are binary: 1KB = 1024 bytes.
extension LuaLimits {
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// The value as written on the command line, for messages ("64MB", "500ms").
    public func display(_ kind: LuaLimitKind) -> String {
        switch kind {
        case .memory: memory.map(Self.formatSize) ?? "none"
        case .instructions: instructions.map { String($0) } ?? "none"
        case .time: time.map(Self.formatDuration) ?? "none"
        case .output: output.map(Self.formatSize) ?? "none"
        case .cancelled: ""
        }
    }

    private static let sizeUnits: [(String, Int)] = [
        ("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30),
        ("kb", 1 << 10), ("mb", 1 << 20), ("gb", 1 << 30), ("k", 1 << 10), ("m", 1 << 20),
        ("g", 1 << 30), ("b", 1),
    ]

    /// `nil` for "none" or "unlimited".
    public static func parseSize(_ text: String) throws(ParseError) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "none" || t == "unlimited" { return nil }
        var digits = t
        var unit = 1
        for (suffix, factor) in sizeUnits where t.hasSuffix(suffix) {
            digits = String(t.dropLast(suffix.count))
            unit = factor
            break
        }
        guard let n = Double(digits.trimmingCharacters(in: .whitespaces)), n > 0, n.isFinite,
            n * Double(unit) < Double(Int.max / 2)
        else {
            throw ParseError(description: "'\(text)' is not a size: use a number with KB, MB or GB, like 64KB or 64MB, or 'none'")
        }
        return Int(n * Double(unit))
    }

    public static func parseDuration(_ text: String) throws(ParseError) -> Duration? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "none" || t == "unlimited" { return nil }
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            if let n = Double(t.dropLast(suffix.count)), n > 0, n.isFinite, n * factor < 1e9 {
                return .milliseconds(Int64((n * factor * 1000).rounded()))
            }
            break
        }
        throw ParseError(description: "'\(text)' is not a duration: use a number with ms, s, m or h, like 500ms, 30s or 2m, or 'none'")
    }

    public static func parseCount(_ text: String) throws(ParseError) -> UInt64? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "_", with: "")
        if t == "none" || t == "unlimited" { return nil }
        if let n = UInt64(t), n > 0 { return n }
        if let d = Double(t), d >= 1, d < 1e19, d.rounded() == d { return UInt64(d) }
        throw ParseError(description: "'\(text)' is not an instruction count: use a whole number like 1000000 or 1e9, or 'none'")
    }

    public static func formatSize(_ bytes: Int) -> String {
        for (suffix, factor) in [("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)]
        where bytes >= factor && bytes % factor == 0 {
            return "\(bytes / factor)\(suffix)"
        }
        return "\(bytes)B"
    }

    public static func formatDuration(_ d: Duration) -> String {
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        if ms % 3_600_000 == 0 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }
}
