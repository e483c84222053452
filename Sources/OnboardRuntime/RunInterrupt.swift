import Dispatch
import Synchronization
import YousignAPI

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C during `onboard run`: the API call or wait in flight is cancelled, the worker is
/// killed, and the run ends with exit status 130 (what a shell reports for a death by SIGINT)
/// and a message naming the call that was stopped, saying whether it may have reached Yousign.
///
/// ```swift
/// let interrupt = RunInterrupt.install(host: host, scriptName: "flow.lua")
/// let outcome = WorkerSupervisor().execute(run, effects: host, output: write)
/// if let message = interrupt.message() { report(message); exit(RunInterrupt.exitStatus) }
/// ```
public final class RunInterrupt: Sendable {
    public static let exitStatus: Int32 = 130
    private let fired = Atomic<Bool>(false)
    private let signalNumber = Atomic<Int32>(2)
    private let text = Mutex<String?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    private init() {}

    /// The exit status for the signal that came: 130 for SIGINT, 143 for SIGTERM.
    public var status: Int32 { 128 + signalNumber.load(ordering: .sequentiallyConsistent) }

    /// Handles SIGINT and SIGTERM from now on. `inProcess` (`--no-worker`): no worker can be killed and the
    /// Lua state cannot be reached from here, so `stop` is given the message and must end the
    /// process; otherwise the run's own thread reads `message()` once the worker is gone.
    public static func install(host: FlowHost, scriptName: String, inProcess: Bool = false,
                               stop: @escaping @Sendable (String) -> Void = { _ in }) -> RunInterrupt {
        let interrupt = RunInterrupt()
        InterruptSignal.onInterruptOrTerminate { signo in
            interrupt.signalNumber.store(signo, ordering: .sequentiallyConsistent)
            // set first: whatever the run's thread sees after this was caused by the interrupt
            guard !interrupt.fired.exchange(true, ordering: .sequentiallyConsistent) else { return }
            host.interruptWaits()
            let message = "\(scriptName): " + (host.takeInterruption()?.description ?? (signo == SIGTERM ? "terminated (SIGTERM)" : "interrupted"))
            interrupt.text.withLock { $0 = message }
            interrupt.ready.signal()
            if inProcess { stop(message) } else { WorkerSupervisor.killRunningWorkers() }
        }
        return interrupt
    }

    /// The message once Ctrl-C came (waiting for the handler to finish it), nil otherwise.
    public func message() -> String? {
        guard fired.load(ordering: .sequentiallyConsistent) else { return nil }
        ready.wait()
        ready.signal()
        return text.withLock { $0 }
    }
}
