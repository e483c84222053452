import Dispatch
import Foundation
import OnboardRuntime
import YousignEmulator

/// The emulator as OnboardRuntime's embedded backend.
extension YousignEmulator: EmbeddedEmulator {
    public var clockOffsetSeconds: Double { clockOffset }

    /// `resetClock()`, waited for. Called from a command's own thread before anything runs,
    /// never from Swift's pool (which the wait would block).
    public func setClockToRealTime() throws {
        let done = DispatchSemaphore(value: 0)
        let box = FailureBox()
        Task {
            do { try await self.resetClock() } catch { box.error = error }
            done.signal()
        }
        done.wait()
        if let error = box.error { throw error }
    }
}
