import Foundation
import YousignAPI
import YousignWire

/// The embedded emulator as the runtime sees it: a request function and its clock. The CLI
/// provides it (OnboardRuntime does not link the emulator), so the runtime stays testable with
/// any stand-in.
public protocol EmbeddedEmulator: AnyObject, Sendable {
    func handle(_ request: WireRequest) async -> WireResponse
    /// How far the emulator's clock runs ahead of the real one (`emulator.advance`), in seconds.
    var clockOffset: TimeInterval { get }
    /// Sets the clock back to real time, keeping the store (`--reset-clock`).
    func setClockToRealTime() throws
    /// Runs what is due (timers) and delivers the webhooks waiting to go (`onboard listen`
    /// calls it, as `onboard serve` does every second).
    func tick() async
}

/// How to open the embedded emulator for a state, and the key it accepts.
public struct EmbeddedOpener: Sendable {
    public var apiKey: String
    public var open: @Sendable (EmulatorState) throws -> any EmbeddedEmulator

    public init(apiKey: String, open: @escaping @Sendable (EmulatorState) throws -> any EmbeddedEmulator) {
        self.apiKey = apiKey
        self.open = open
    }
}

/// The embedded emulator, opened on the first request so that runs that never call the API
/// create no state file. On opening a file state whose clock is ahead of real time it says so
/// once (`notice`): time travel from an earlier run must never go unnoticed.
public final class LazyEmbeddedEmulator: Sendable {
    private let opener: EmbeddedOpener
    private let state: EmulatorState
    private let notice: @Sendable (String) -> Void
    private let opened = NSLock()
    nonisolated(unsafe) private var result: Result<any EmbeddedEmulator, TransportError>?
    nonisolated(unsafe) private var offsetAtOpen: Double = 0
    /// Offsets below this are what waits on the embedded emulator add in an ordinary run.
    public static let noticeThreshold: Double = 3600

    public init(opener: EmbeddedOpener, state: EmulatorState, notice: @escaping @Sendable (String) -> Void) {
        self.opener = opener
        self.state = state
        self.notice = notice
    }

    public func get() throws(TransportError) -> any EmbeddedEmulator { try open(noticing: true) }

    /// `--reset-clock`: opens the state (saying nothing of a clock about to be reset) and sets
    /// its clock back to real time.
    public func resetClock() throws {
        try open(noticing: false).setClockToRealTime()
    }

    private func open(noticing: Bool) throws(TransportError) -> any EmbeddedEmulator {
        let (value, fresh) = opened.withLock { () -> (Result<any EmbeddedEmulator, TransportError>, Bool) in
            if let result { return (result, false) }
            let made: Result<any EmbeddedEmulator, TransportError>
            do { made = .success(try opener.open(state)) } catch {
                made = .failure(TransportError(.unreachable, Self.openFailure(state, error)))
            }
            result = made
            return (made, true)
        }
        let emulator = try value.get()
        if fresh {
            let offset = emulator.clockOffset
            opened.withLock { offsetAtOpen = offset }
            if noticing, let path = state.path, offset >= Self.noticeThreshold { notice(Self.aheadNotice(path: path, offset: offset)) }
        }
        return emulator
    }

    /// After a run: what to say when it moved a file state's clock far ahead, so the next run
    /// on that state is not a surprise.
    public func afterRunNotice() -> String? {
        guard let path = state.path, let emulator = ifOpened else { return nil }
        let before = opened.withLock { offsetAtOpen }
        let now = emulator.clockOffset
        guard now >= Self.noticeThreshold, now - before >= Self.noticeThreshold else { return nil }
        return "note: this run moved the clock of \(path) \(Self.describe(now - before)) ahead; later runs on it see that time "
            + "(`--reset-clock` sets it back to now; `--ephemeral` keeps time travel to one run)"
    }

    /// "cannot open the emulator state PATH: why", for a state that would not open (the
    /// system's words for a file error, which read better than the error's dump).
    public static func openFailure(_ state: EmulatorState, _ error: any Error) -> String {
        let reason = (error as NSError).domain == NSCocoaErrorDomain ? (error as NSError).localizedDescription : "\(error)"
        return "cannot open the emulator state \(state.location): \(reason)"
    }

    /// The emulator if a request opened it.
    public var ifOpened: (any EmbeddedEmulator)? {
        opened.withLock { try? result?.get() }
    }

    public var transport: InProcessTransport {
        InProcessTransport(failable: { request throws(TransportError) in try await self.get().handle(request) })
    }

    public static func aheadNotice(path: String, offset: Double) -> String {
        "note: the emulator state \(path) runs \(describe(offset)) ahead of real time (an earlier run moved its clock); "
            + "`--reset-clock` sets it back to now, `--ephemeral` runs on a fresh state"
    }

    /// `5 days`, `3 hours 20 minutes`.
    static func describe(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        func unit(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        let days = s / 86_400, hours = s % 86_400 / 3600, minutes = s % 3600 / 60
        if days > 0 { return unit(days, "day") + (hours > 0 ? " " + unit(hours, "hour") : "") }
        if hours > 0 { return unit(hours, "hour") + (minutes > 0 ? " " + unit(minutes, "minute") : "") }
        return unit(max(minutes, 1), "minute")
    }
}
