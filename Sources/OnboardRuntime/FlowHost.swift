import Dispatch
import Foundation
import Synchronization
import YousignAPI

/// Every effect a flow has outside its Lua state goes through here, and nowhere else: API
/// calls, the emulator's control surface, clock reads, sleeps, random seeds and files. The run
/// journal records and replays at this seam, so nothing a script can observe may bypass it.
///
/// The Lua thread calls it synchronously; the async client runs on Swift's pool while the Lua
/// thread (a dedicated thread, see `LuaThread`) waits.
public final class FlowHost: FlowEffects {
    /// What the flow talks to, for messages and `.backend`.
    public let backend: BackendDescription
    let client: YousignClient
    let control: EmulatorControl?
    let clock: any WaitClock
    /// The files the flow may read and write (`--allow-read`, `--allow-write`).
    public let files: FileAccess
    /// The environment variables `env.get` may return (`--allow-env`).
    public let env: EnvAccess
    /// The sleep or API call in progress, for `interruptWaits`.
    private let inFlight = Mutex<Task<Void, Never>?>(nil)
    /// The API call the last interrupt stopped, until `takeInterruption` reads it.
    private let interrupted = Mutex<YousignError?>(nil)

    public init(backend: BackendDescription, client: YousignClient, control: EmulatorControl?, clock: any WaitClock,
                files: FileAccess, env: EnvAccess = EnvAccess()) {
        self.backend = backend
        self.client = client
        self.control = control
        self.clock = clock
        self.files = files
        self.env = env
    }

    /// A host on an emulator (embedded or served): its control surface, and a flow clock that is
    /// the emulator's, moved on by waits when `advancing` (the embedded one: waits take no real
    /// time) or followed in real time (a shared `onboard serve`).
    public static func emulator(transport: any Transport, key: String, advancing: Bool, description: BackendDescription,
                                files: FileAccess, env: EnvAccess = EnvAccess(), timeout: Duration = .seconds(30),
                                gate: (any RequestGate)? = nil) -> FlowHost {
        let control = EmulatorControl(client: YousignClient(transport: transport, apiKey: APIKey(key), retry: .none, timeout: timeout))
        let clock = EmulatorWaitClock(control: control, advancing: advancing)
        let client = YousignClient(transport: transport, apiKey: APIKey(key), timeout: timeout, clock: clock, gate: gate)
        return FlowHost(backend: description, client: client, control: control, clock: clock, files: files, env: env)
    }

    public var backendSummary: String { backend.summary }

    /// The rate gate the client's requests wait on, if any.
    public var gate: (any RequestGate)? { client.gate }

    /// Whether the backend is an emulator with a control surface.
    public var hasEmulator: Bool { control != nil }

    /// The call with the files it names by path read (under the read grants) into its
    /// multipart body.
    public func resolve(_ flowCall: FlowCall) -> Result<FlowCall, FlowFailure> {
        guard !flowCall.pendingFiles.isEmpty else { return .success(flowCall) }
        guard case .multipart(let fields, var parts) = flowCall.call.body else {
            return .failure(.message("files given to an operation that takes no multipart body"))
        }
        for file in flowCall.pendingFiles {
            do {
                parts.append(FilePart(field: file.field, filename: file.filename, contentType: file.contentType,
                                      content: try files.read(file.path)))
            } catch {
                return .failure(.message("\(file.field): \(error.description)"))
            }
        }
        parts.sort { $0.field < $1.field }
        var resolved = flowCall
        resolved.call.body = .multipart(fields: fields, files: parts)
        resolved.pendingFiles = []
        return .success(resolved)
    }

    public func perform(_ flowCall: FlowCall) -> Result<FlowResult, FlowFailure> {
        let call: APICall
        switch resolve(flowCall) {
        case .success(let resolved): call = resolved.call
        case .failure(let failure): return .failure(failure)
        }
        interrupted.withLock { $0 = nil }
        let sent = blocking(cancellable: true) { [self, call] () async -> Result<APIResult, YousignError> in
            do throws(YousignError) { return .success(try await client.send(call)) } catch {
                // kept before the call returns, so `interruptWaits` can hand it on
                if error.type == "interrupted" { interrupted.withLock { $0 = error } }
                return .failure(error)
            }
        }
        switch sent {
        case .failure(let error): return .failure(.api(error))
        case .success(.json(let bytes)): return .success(.json(bytes))
        case .success(.empty): return .success(.empty)
        case .success(.binary(let bytes, _)):
            guard let saveTo = flowCall.saveTo else { return .success(.bytes(bytes)) }
            do { try files.write(bytes, to: saveTo) } catch {
                return .failure(.message("cannot save the download: \(error.description)"))
            }
            return .success(.saved(saveTo))
        }
    }

    public func control(_ action: ControlAction) -> Result<FlowResult, FlowFailure> {
        guard let control else {
            return .failure(.api(YousignError(status: nil, type: "emulator.unavailable",
                                              detail: "the backend (\(backend.summary)) is not an emulator; `emulator` works on the embedded emulator and with --emulator URL",
                                              method: "POST", path: "/_emulator")))
        }
        let outcome = blocking(cancellable: true) { () async -> Result<APIResult, YousignError> in
            do throws(YousignError) { return .success(try await action.run(on: control)) } catch { return .failure(error) }
        }
        switch outcome {
        case .failure(let error): return .failure(.api(error))
        case .success(.json(let bytes)): return .success(.json(bytes))
        case .success(.empty): return .success(.empty)
        case .success(.binary(let bytes, _)): return .success(.bytes(bytes))
        }
    }

    public func env(_ name: String) -> Result<String?, FlowFailure> {
        do { return .success(try env.get(name)) } catch { return .failure(.message(error.description)) }
    }

    /// The flow's clock in Unix seconds: the emulator's clock on an emulator, else the wall clock.
    public func now() -> Double { blocking { [clock] in await clock.now() } }

    /// Waits: on the embedded emulator the emulator's clock moves on at once; elsewhere the
    /// thread sleeps, until `interruptWaits` (Ctrl-C).
    public func sleep(seconds: Double) {
        blocking(cancellable: true) { [clock] in await clock.sleep(seconds: seconds) }
    }

    /// Ctrl-C: ends the current wait or API call at once, and returns when it has ended (a
    /// second at most), so `takeInterruption` then names the call. A real sleep is cancelled
    /// (the script goes on as if it had ended); an API call in flight is cancelled and fails as
    /// `interrupted`, saying whether the request may have reached Yousign (anything but a GET),
    /// since the user is the one who must check before sending it again. The embedded
    /// emulator's calls take no time and are left to finish.
    public func interruptWaits() {
        guard let task = inFlight.withLock({ $0 }) else { return }
        task.cancel()
        let ended = DispatchSemaphore(value: 0)
        Task {
            await task.value
            ended.signal()
        }
        _ = ended.wait(timeout: .now() + 1)
    }

    /// The API call the last interrupt stopped, once: the REPL and `onboard run` name it, since
    /// the interrupt itself ends the script before the call's own error is seen.
    public func takeInterruption() -> YousignError? {
        interrupted.withLock { error in
            defer { error = nil }
            return error
        }
    }

    /// A seed for the script's `math.random`, so a replay can give the same numbers.
    public func randomSeed() -> Int64 { Int64.random(in: Int64.min...Int64.max) }

    /// Runs async work to completion from the (non-async) Lua thread; `cancellable` work is the
    /// one `interruptWaits` cancels.
    @discardableResult
    private func blocking<T: Sendable>(cancellable: Bool = false, _ body: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let task = Task {
            box.value = await body()
            done.signal()
        }
        if cancellable { inFlight.withLock { $0 = task } }
        done.wait()
        if cancellable { inFlight.withLock { $0 = nil } }
        return box.value!
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

/// Which backend a run uses, in words a user recognises; never contains a key.
public struct BackendDescription: Sendable, Equatable {
    public enum Kind: String, Sendable { case embeddedEmulator, servedEmulator, yousign }
    public var kind: Kind
    /// `.onboard/emulator.sqlite`, `in memory`, or the base URL.
    public var location: String
    /// The onboard.toml profile, if one was used.
    public var profile: String?

    public init(kind: Kind, location: String, profile: String? = nil) {
        self.kind = kind
        self.location = location
        self.profile = profile
    }

    public var summary: String {
        let what = switch kind {
        case .embeddedEmulator: "embedded emulator (\(location))"
        case .servedEmulator: "emulator at \(location)"
        case .yousign: "Yousign at \(location)"
        }
        // a client's backend reads `client NAME` (BackendChoice names it so)
        return profile.map { "\(what), " + ($0.hasPrefix("client ") ? $0 : "profile \($0)") } ?? what
    }
}
