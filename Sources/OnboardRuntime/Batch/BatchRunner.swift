import Foundation
import LuaKit
import OnboardRuns
import Synchronization

/// What every row of a batch shares: the flow, its limits, the backend (one host, so one
/// client, one key and one rate gate), the store and the batch's record.
public struct BatchSetup: Sendable {
    public var flow: ScriptSource
    public var flowName: String
    public var flowHash: String
    public var limits: LuaLimits
    public var stdlibFolder: String?
    public var host: FlowHost
    public var store: RunStore
    public var batch: BatchRecord
    public var concurrency: Int
    /// Failed rows are run again (resumed by replay) instead of skipped.
    public var retryFailed: Bool
    public var executor: any FlowExecutor

    public init(flow: ScriptSource, flowName: String, flowHash: String, limits: LuaLimits, stdlibFolder: String? = StdlibLocator.find(),
                host: FlowHost, store: RunStore, batch: BatchRecord, concurrency: Int, retryFailed: Bool, executor: any FlowExecutor) {
        self.flow = flow
        self.flowName = flowName
        self.flowHash = flowHash
        self.limits = limits
        self.stdlibFolder = stdlibFolder
        self.host = host
        self.store = store
        self.batch = batch
        self.concurrency = concurrency
        self.retryFailed = retryFailed
        self.executor = executor
    }
}

/// What a batch reports as it goes.
public enum BatchEvent: Sendable {
    /// A row's run started or was taken over.
    case started(row: Int, resumed: Bool)
    case finished(BatchRowOutcome)
    /// A row left as it is: done (or cancelled, or failed without `--retry-failed`) before, or
    /// worked on by another process now.
    case skipped(row: Int, run: String, status: RunStatus)
}

/// Runs a batch's rows, `concurrency` at once, each a journaled run: rows done are skipped,
/// rows interrupted are resumed by replay, the others start. `stopTakingRows` (Ctrl-C) starts
/// no more rows and asks the running ones to stop at their next step; `stopNow` kills them.
public final class BatchRunner: Sendable {
    public let setup: BatchSetup
    private let observer: @Sendable (BatchEvent) -> Void
    private let stopping = Atomic<Bool>(false)
    private let running = Mutex<[Int: (effects: JournaledEffects?, stop: RunStopHandle, run: String?)]>([:])

    public init(_ setup: BatchSetup, observer: @escaping @Sendable (BatchEvent) -> Void) {
        self.setup = setup
        self.observer = observer
    }

    public var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// Runs every row of `reader` (the input, scanned before: a row error here is the file
    /// changing under the batch) and returns each row's outcome, in the order they finished.
    public func run(_ reader: BatchInputReader) throws(BatchInputError) -> [BatchRowOutcome] {
        let existing: [Int: RunRecord]
        do { existing = try setup.store.rows(of: setup.batch.id) } catch {
            throw BatchInputError(path: setup.store.location, line: 0, column: 0, message: error.description)
        }
        let queue = RowQueue(capacity: max(2, setup.concurrency * 2))
        let outcomes = Mutex<[BatchRowOutcome]>([])
        var threads: [Thread] = []
        let finished = DispatchGroup()
        for _ in 0..<max(1, setup.concurrency) {
            finished.enter()
            let thread = Thread { [self] in
                defer { finished.leave() }
                while let (row, record) = queue.pop() {
                    if isStopping { continue }
                    let outcome = runRow(row, existing: record)
                    outcomes.withLock { $0.append(outcome) }
                    observer(.finished(outcome))
                }
            }
            thread.stackSize = 1 << 20
            threads.append(thread)
            thread.start()
        }
        let heartbeat = BatchHeartbeat(runner: self)
        defer { heartbeat.stop() }
        var readError: BatchInputError?
        do {
            while !isStopping, let row = try reader.next() {
                let record = existing[row.index]
                if let record, let skip = skipped(record) {
                    observer(.skipped(row: row.index, run: record.id, status: skip))
                    continue
                }
                queue.push((row, record))
            }
        } catch { readError = error }
        queue.close()
        finished.wait()
        if let readError { throw readError }
        return outcomes.withLock { $0 }
    }

    /// Whether a row with this run is left as it is, and as what.
    private func skipped(_ record: RunRecord) -> RunStatus? {
        let status = record.effectiveStatus()
        switch status {
        case .done, .cancelled, .running, .waiting: return status
        case .failed: return setup.retryFailed ? nil : .failed
        case .interrupted: return nil
        }
    }

    private func runRow(_ row: BatchRow, existing: RunRecord?) -> BatchRowOutcome {
        let stop = RunStopHandle()
        running.withLock { $0[row.index] = (nil, stop, existing?.id) }
        defer { running.withLock { _ = $0.removeValue(forKey: row.index) } }
        observer(.started(row: row.index, resumed: existing != nil))
        let job = BatchRowRun(setup: setup, row: row, existing: existing, stop: stop) { [self] id, effects in
            let late = running.withLock { slots -> Bool in
                slots[row.index] = (effects, stop, id)
                return isStopping
            }
            if late { effects.stopAtNextStep(Self.stopMessage) }
        }
        return job.execute()
    }

    static let stopMessage = "the batch was interrupted (Ctrl-C); the row stopped at its next step and resumes from there"

    /// Ctrl-C: no row starts any more, and each running row stops at its next step.
    public func stopTakingRows() {
        stopping.store(true, ordering: .releasing)
        let effects = running.withLock { $0.values.compactMap(\.effects) }
        for e in effects { e.stopAtNextStep(Self.stopMessage) }
    }

    /// A second Ctrl-C: the running rows' workers are killed now.
    public func stopNow() {
        stopTakingRows()
        let handles = running.withLock { $0.values.map(\.stop) }
        for h in handles { h.stop() }
    }

    /// The runs now running, for their leases.
    var runningRuns: [(run: String, stop: RunStopHandle)] {
        running.withLock { $0.values.compactMap { slot in slot.run.map { ($0, slot.stop) } } }
    }
}

/// Renews the leases of a batch's running rows; a row cancelled meanwhile
/// (`onboard runs cancel`) is stopped.
final class BatchHeartbeat: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)

    init(runner: BatchRunner) {
        let store = runner.setup.store
        let thread = Thread { [done, weak runner] in
            while done.wait(timeout: .now() + RunLease.heartbeatInterval) == .timedOut {
                guard let runner else { return }
                for (run, stop) in runner.runningRuns where (try? store.heartbeat(run)) == false {
                    stop.stop()
                }
            }
        }
        thread.stackSize = 128 << 10
        thread.start()
    }

    func stop() { done.signal() }
}

/// A bounded queue of rows between the reader and the row threads: the input is read no
/// further ahead than the rows can take.
final class RowQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [(BatchRow, RunRecord?)] = []
    private var closed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func push(_ item: (BatchRow, RunRecord?)) {
        condition.lock()
        while items.count >= capacity && !closed { condition.wait() }
        items.append(item)
        condition.broadcast()
        condition.unlock()
    }

    func pop() -> (BatchRow, RunRecord?)? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        guard !items.isEmpty else { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
