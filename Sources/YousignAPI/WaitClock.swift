import Foundation

/// Time as the client waits on it: between retries and when the rate limit says to pause.
/// The real clock sleeps; an emulator's clock can move instead (tests, the embedded emulator).
public protocol WaitClock: Sendable {
    /// Unix seconds.
    func now() async -> Double
    func sleep(seconds: Double) async
}

/// Wall-clock time and real sleeping.
public struct SystemWaitClock: WaitClock {
    public init() {}
    public func now() async -> Double { Date().timeIntervalSince1970 }
    public func sleep(seconds: Double) async {
        guard seconds > 0 else { return }
        try? await Task.sleep(nanoseconds: UInt64(min(seconds, 86_400) * 1e9))
    }
}
