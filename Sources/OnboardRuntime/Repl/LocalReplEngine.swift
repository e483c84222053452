import LuaKit
import Synchronization

/// A REPL session in this process (`onboard repl --no-worker`): the same state and rules as in a
/// worker, without the process boundary. Each call runs on a fresh `LuaThread`.
public final class LocalReplEngine: ReplEngine, @unchecked Sendable {
    private let session: ReplSession
    private let host: FlowHost?
    private let canceller: LuaCanceller
    private let running = Mutex(false)
    public let backendSummary: String

    public init(_ run: ScriptRun, host: FlowHost?) throws(LuaError) {
        do {
            session = try LuaThread.run { try ReplSession(run) }
        } catch let error as LuaError {
            throw error
        } catch {
            throw LuaError(status: .runtime, message: "\(error)")
        }
        self.host = host
        canceller = session.canceller
        backendSummary = host?.backendSummary ?? "none"
    }

    public func evaluate(_ code: String, chunkName: String, color: Bool, file: Bool) -> ReplOutcome {
        running.withLock { $0 = true }
        defer { running.withLock { $0 = false } }
        let session = self.session
        let outcome = (try? LuaThread.run { session.evaluate(code, chunkName: chunkName, color: color, file: file) })
            ?? .failed(LuaError(status: .runtime, message: "the Lua thread failed"))
        return outcome.naming(host?.takeInterruption())
    }

    public func complete(_ text: String) -> ReplCompletion {
        let session = self.session
        return (try? LuaThread.run { session.complete(text) }) ?? .none
    }

    public func interrupt() {
        guard running.withLock({ $0 }) else { return }
        canceller.cancel()
        host?.interruptWaits()
    }

    public func close() {
        let session = self.session
        _ = try? LuaThread.run { session.close() }
    }
}
