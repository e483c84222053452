import Dispatch
import Foundation
import OnboardRuntime
import YousignEmulator
import YousignWire

/// The emulator as OnboardRuntime's embedded backend.
extension YousignEmulator: EmbeddedEmulator {
    public var clockOffsetSeconds: Double { now.timeIntervalSinceNow }

    /// Through the control surface (`POST /_emulator/clock/reset`), so the CLI and an HTTP client
    /// reset the same way. Called from a command's own thread, never from Swift's pool.
    public func resetClock() throws {
        let done = DispatchSemaphore(value: 0)
        let box = StatusBox()
        Task {
            box.status = await self.handle(WireRequest(method: "POST", path: "/_emulator/clock/reset")).status
            done.signal()
        }
        done.wait()
        guard box.status == 200 else { throw ResetFailure(status: box.status) }
    }
}

private final class StatusBox: @unchecked Sendable { var status = 0 }

struct ResetFailure: Error, CustomStringConvertible {
    let status: Int
    var description: String { "the emulator answered \(status) to POST /_emulator/clock/reset" }
}
