import Foundation
import LuaKit

/// `onboard serve --latency`: a fixed delay (`20ms`) or a range each request draws its own
/// from (`10ms..50ms`), in the units of the other duration flags; a bound may be 0.
///
/// ```swift
/// try LatencyFlag.parse("10ms..50ms")   // .milliseconds(10) ... .milliseconds(50)
/// ```
public enum LatencyFlag {
    public static func parse(_ text: String) throws(LuaLimits.ParseError) -> ClosedRange<Duration> {
        let parts = text.components(separatedBy: "..")
        guard parts.count <= 2, let low = bound(parts[0]), let high = bound(parts.count == 2 ? parts[1] : parts[0]) else {
            throw LuaLimits.ParseError(description: "--latency: '\(text)' is not a latency: use a duration like 20ms, "
                                       + "or a range like 10ms..50ms (units ms, s, m or h)")
        }
        guard low <= high else {
            throw LuaLimits.ParseError(description: "--latency: the range '\(text)' ends before it starts: "
                                       + "put the shorter duration first, like 10ms..50ms")
        }
        return low...high
    }

    /// A duration as `--time-limit` reads it, or 0 (`0`, `0ms`); nil for anything else, `none` included.
    private static func bound(_ text: String) -> Duration? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t.hasPrefix("0"), ["", "ms", "s", "m", "h"].contains(String(t.drop { $0 == "0" || $0 == "." })) { return .zero }
        guard t != "none", t != "unlimited", let duration = try? LuaLimits.parseDuration(t) else { return nil }
        return duration
    }
}
