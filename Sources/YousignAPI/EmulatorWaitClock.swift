import Foundation

/// An emulator's clock as a `WaitClock`: `now` reads `GET /_emulator/clock`; `sleep` either
/// moves the emulator's clock on (`advancing`: waits take no real time, for the embedded
/// emulator and tests) or sleeps for real (a shared `onboard serve`).
public struct EmulatorWaitClock: WaitClock {
    let control: EmulatorControl
    let advancing: Bool

    public init(control: EmulatorControl, advancing: Bool) {
        self.control = control
        self.advancing = advancing
    }

    public func now() async -> Double {
        (try? await control.now()) ?? Date().timeIntervalSince1970
    }

    public func sleep(seconds: Double) async {
        guard seconds > 0 else { return }
        if advancing {
            _ = try? await control.advance(seconds: seconds)
        } else {
            await SystemWaitClock().sleep(seconds: seconds)
        }
    }
}
