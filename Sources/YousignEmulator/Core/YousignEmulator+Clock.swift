import Foundation
import GRDB

/// The emulator's clock: its base clock plus an offset kept in the store (`clock_offset`), so
/// a file state reopens at the time it had. Time only moves forward, except for a reset.
extension YousignEmulator {
    /// 9999-12-31T23:59:59Z: the emulator's clock never goes past it.
    static let latestInstant: Double = 253_402_300_799

    /// Seconds this emulator's clock runs ahead of its base clock (real time, unless the
    /// configuration fixes it): 0 on a new store, more after every `advanceClock`.
    public var clockOffset: TimeInterval { storedClockOffset.value }

    /// Moves the clock forward, then runs what became due (`POST /_emulator/clock/advance`).
    func advanceClock(by seconds: Double) async throws {
        precondition(seconds >= 0 && seconds.isFinite, "the clock only moves forward")
        try await setClockOffset { $0 + seconds }
        await tick()
    }

    /// Puts the clock back on its base clock (offset 0) and keeps everything in the store
    /// (`POST /_emulator/clock/reset`). What already happened stays as it is; timers still to
    /// come fire when the base clock reaches them (docs/emulator.md, "The clock").
    public func resetClock() async throws {
        try await setClockOffset { _ in 0 }
    }

    /// Empties the store and loads the fixtures again; the clock, the rate limits and the fault
    /// rules start over (`POST /_emulator/reset`).
    func reset() async throws {
        let fixtures = configuration.fixtures
        try await writer.write { db in try Seeding.reset(db, fixtures) }
        storedClockOffset.set(0)
        rateLimiter.reset()
        faults.update { $0.clear() }
        cache.invalidate()
    }

    private func setClockOffset(_ change: @escaping @Sendable (TimeInterval) -> TimeInterval) async throws {
        let offset = try await writer.write { db in
            let offset = change(try db.clockOffset())
            try db.setMeta("clock_offset", String(offset))
            return offset
        }
        storedClockOffset.set(offset)
        // a cached GET was answered at the old time
        cache.invalidate()
    }
}
