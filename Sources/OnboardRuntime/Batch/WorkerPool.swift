import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Worker processes shared by the runs of a batch: a run takes an idle worker (or starts one),
/// the worker builds a fresh `lua_State` for it (nothing is carried between runs but the
/// process and its lock-down), and a run that ends cleanly gives it back. A worker that was
/// killed (a stop, the time limit) or crashed is not reused. `size` workers are started at
/// once, so their start-up overlaps the batch's own; a row costs no process start.
public final class WorkerPool: FlowExecutor, @unchecked Sendable {
    public let size: Int
    private let supervisor: WorkerSupervisor
    private let idle = Mutex<[WorkerSupervisor.Spawned]>([])
    private let counters = Mutex<(started: Int, reused: Int)>((0, 0))

    public init(size: Int, supervisor: WorkerSupervisor = WorkerSupervisor()) {
        self.size = max(1, size)
        self.supervisor = supervisor
        let spawned = (0..<self.size).map { _ in spawn() }
        idle.withLock { $0 = spawned }
    }

    /// Processes started so far, and runs that found a worker already running.
    public var started: Int { counters.withLock { $0.started } }
    public var reused: Int { counters.withLock { $0.reused } }

    private func spawn() -> WorkerSupervisor.Spawned {
        counters.withLock { $0.started += 1 }
        return WorkerSupervisor.Spawned(executable: supervisor.executable, arguments: supervisor.arguments)
    }

    public func execute(_ run: ScriptRun, effects: any FlowEffects, output: @escaping @Sendable (UnsafeRawBufferPointer) -> Void,
                        stop: RunStopHandle) -> WorkerSupervisor.Outcome {
        let worker = idle.withLock { $0.popLast() } ?? spawn()
        // a worker that served an earlier run has done its start-up already
        if worker.failure == nil, worker.hasRun { counters.withLock { $0.reused += 1 } }
        worker.hasRun = true
        let pid = worker.pid
        stop.onStop { kill(pid, SIGKILL) }
        let (outcome, reusable) = supervisor.converse(worker, run, effects: effects, pooled: true, output: output)
        stop.onStop {}
        if reusable && !stop.isStopped {
            idle.withLock { $0.append(worker) }
        } else if reusable {
            // stopped just as it ended: its end is not waited for by anyone else
            kill(pid, SIGKILL)
            worker.waitForExit()
        }
        return outcome
    }

    /// Ends the idle workers (they read end-of-file and exit) and waits for them.
    public func shutdown() {
        let workers = idle.withLock { all -> [WorkerSupervisor.Spawned] in
            defer { all = [] }
            return all
        }
        for w in workers { try? w.toWorker.fileHandleForWriting.close() }
        for w in workers where w.failure == nil { w.waitForExit() }
    }

    deinit { shutdown() }
}
