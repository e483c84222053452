import Foundation
import LuaKit

/// Runs one flow to its end and says how it ended: a worker of a pool (`onboard batch`), a
/// fresh worker, or this process (tests, `--no-worker`). `stop` ends the run it is given at
/// once (its worker is killed): a journal that must not go on, a cancelled run.
public protocol FlowExecutor: Sendable {
    func execute(_ run: ScriptRun, effects: any FlowEffects, output: @escaping @Sendable (UnsafeRawBufferPointer) -> Void,
                 stop: RunStopHandle) -> WorkerSupervisor.Outcome
}

/// How a run's caller ends it early: the executor installs what stopping means (killing the
/// run's worker) and `stop()` does it, once, from any thread; a stop that comes before the run
/// started ends it as soon as it does.
public final class RunStopHandle: @unchecked Sendable {
    private let lock = NSLock()
    private var action: (@Sendable () -> Void)?
    private var stopped = false

    public init() {}

    public var isStopped: Bool { lock.withLock { stopped } }

    /// Sets what stopping does; runs it at once if the run was already stopped.
    public func onStop(_ body: @escaping @Sendable () -> Void) {
        let now = lock.withLock { () -> Bool in
            action = body
            return stopped
        }
        if now { body() }
    }

    public func stop() {
        let body = lock.withLock { () -> (@Sendable () -> Void)? in
            guard !stopped else { return nil }
            stopped = true
            return action
        }
        body?()
    }
}

/// In this process, on a Lua thread of its own: no process boundary (tests; `--no-worker`). A
/// stop cancels the script (`LuaState.cancel`, which no `pcall` catches); the journal's stop
/// also makes every later effect fail.
public struct InProcessExecutor: FlowExecutor {
    public init() {}

    public func execute(_ run: ScriptRun, effects: any FlowEffects, output: @escaping @Sendable (UnsafeRawBufferPointer) -> Void,
                        stop: RunStopHandle) -> WorkerSupervisor.Outcome {
        var run = run
        run.host = effects
        run.output = { output($0) }
        let result = try? LuaThread.run { () -> Result<Void, LuaError> in
            do throws(LuaError) {
                let state = try run.makeState()
                defer {
                    stop.onStop {}
                    state.close()
                }
                let canceller = state.canceller
                stop.onStop { canceller.cancel() }
                try run.execute(in: state)
                return .success(())
            } catch { return .failure(error) }
        }
        switch result {
        case .success?: return .finished(nil)
        case .failure(let error)?: return .finished(error)
        case nil: return .crashed("the Lua thread could not start")
        }
    }
}
