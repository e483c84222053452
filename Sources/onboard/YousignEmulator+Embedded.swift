import OnboardRuntime
import YousignEmulator

/// The emulator as OnboardRuntime's embedded backend (`clockOffset` it has already).
extension YousignEmulator: EmbeddedEmulator {
    /// `resetClock()`, waited for. Called from a command's own thread before anything runs,
    /// never from Swift's pool (which the wait would block).
    public func setClockToRealTime() throws {
        try waitFor { try await self.resetClock() }
    }
}
