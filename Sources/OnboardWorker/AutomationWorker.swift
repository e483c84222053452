import Foundation
import JSONCodec
import Logging
import LuaKit
import OnboardRuns
import OnboardRuntime
import Synchronization

/// The engine of `onboard worker`: one dispatcher thread finds work in the run store (events
/// received, parked runs due, schedules due, runs a crash interrupted) and hands it to
/// `concurrency` run threads. Nothing is processed inside an HTTP request: the webhook route
/// only stores the event and calls `notify()`.
///
/// Every decision is made durable before it is acted on, so a kill -9 at any moment loses and
/// repeats nothing: a trigger's run is created (with a unique origin) before its event is
/// marked processed, a schedule's run before the schedule notes it fired, a parked run is
/// claimed before it is resumed; each run is journaled, and a resumed run replays.
public final class AutomationWorker: @unchecked Sendable {
    public struct Settings: Sendable {
        public var concurrency: Int
        public var limits: LuaLimits
        public var stdlibFolder: String?

        public init(concurrency: Int, limits: LuaLimits = LuaLimits(), stdlibFolder: String? = StdlibLocator.find()) {
            self.concurrency = concurrency
            self.limits = limits
            self.stdlibFolder = stdlibFolder
        }
    }

    public let store: RunStore
    public let clients: [String: WorkerClient]
    let settings: Settings
    let executor: any FlowExecutor
    let log: Logger
    public let metrics: WorkerMetrics
    /// Run start times by run id, for the receipt-to-start figure (tests and the benchmark).
    public let observer: (@Sendable (WorkerEvent) -> Void)?

    private let condition = NSCondition()
    private var queue: [WorkerJob] = []
    private var woken = false
    private var stopping = false
    /// Runs this process holds: queued or running (their leases are renewed).
    private var held: Set<String> = []
    private var running: [String: (effects: JournaledEffects, stop: RunStopHandle)] = [:]
    private var threads: [Thread] = []
    private let finished = DispatchGroup()

    public init(store: RunStore, clients: [String: WorkerClient], settings: Settings, executor: any FlowExecutor,
                log: Logger, observer: (@Sendable (WorkerEvent) -> Void)? = nil) {
        self.store = store
        self.clients = clients
        self.settings = settings
        self.executor = executor
        self.log = log
        self.metrics = WorkerMetrics()
        self.observer = observer
    }

    /// Starts the dispatcher and the run threads: interrupted runs of this store's worker are
    /// resumed first.
    public func start() {
        resumeInterrupted()
        for _ in 0..<max(1, settings.concurrency) { spawn(runLoop) }
        spawn(dispatchLoop)
        spawn(heartbeatLoop)
    }

    /// Something new is in the store (an event): look now rather than at the next tick.
    public func notify() {
        condition.lock()
        woken = true
        condition.broadcast()
        condition.unlock()
    }

    /// Runs working or waiting for a run thread now.
    public var inFlight: Int { condition.withLock { held.count } }

    /// Stops taking work; the running runs stop at their next step (journaled, resumed at the
    /// next start). Waits up to `timeout` for them, then kills what is left. True when every run
    /// stopped by itself in time.
    @discardableResult
    public func shutdown(timeout: Double) -> Bool {
        let effects = condition.withLock { () -> [(effects: JournaledEffects, stop: RunStopHandle)] in
            stopping = true
            condition.broadcast()
            return Array(running.values)
        }
        for e in effects { e.effects.stopAtNextStep("the worker is shutting down; the run resumes from this step at its next start") }
        let clean = finished.wait(timeout: .now() + timeout) == .success
        if !clean {
            let left = condition.withLock { Array(running.values) }
            log.warning("shutdown: \(left.count) run(s) did not reach a step within \(timeout) s; their workers are stopped, and they resume at the next start")
            for e in left { e.stop.stop() }
            _ = finished.wait(timeout: .now() + 5)
        }
        // queued runs were never started here: they are left interrupted for the next start
        let queued = condition.withLock { () -> [WorkerJob] in
            defer { queue = [] }
            return queue
        }
        for job in queued {
            try? store.finish(job.runID, status: .interrupted, exitCode: nil, error: "the worker shut down before the run started; it starts at the next start")
        }
        return clean
    }

    private func spawn(_ body: @escaping @Sendable () -> Void) {
        finished.enter()
        let thread = Thread { [finished] in
            body()
            finished.leave()
        }
        thread.stackSize = 1 << 20
        threads.append(thread)
        thread.start()
    }

    // MARK: dispatching

    private var room: Int { condition.withLock { stopping ? 0 : max(0, settings.concurrency * 2 - queue.count) } }

    private func enqueue(_ job: WorkerJob) {
        condition.lock()
        queue.append(job)
        held.insert(job.runID)
        condition.broadcast()
        condition.unlock()
        metrics.queueDepth(queueCount)
    }

    private var queueCount: Int { condition.withLock { queue.count } }

    private func isHeld(_ id: String) -> Bool { condition.withLock { held.contains(id) } }

    private func dispatchLoop() {
        while condition.withLock({ !stopping }) {
            var next = Date().timeIntervalSince1970 + 1
            do {
                try processEvents()
                try wakeDue()
                next = min(next, try fireSchedules())
                if let wake = try store.nextWake() { next = min(next, wake) }
                metrics.parked(try store.parkedCount())
                metrics.pendingEvents(try store.pendingEventCount())
            } catch {
                log.error("the run store failed: \(error.description); trying again in a second")
            }
            condition.lock()
            let busy = queue.count >= settings.concurrency * 2
            while !woken && !stopping {
                let wait = busy ? 0.05 : next - Date().timeIntervalSince1970
                if wait <= 0 { break }
                if !condition.wait(until: Date(timeIntervalSinceNow: min(wait, 1))) { break }
            }
            woken = false
            condition.unlock()
        }
    }

    /// Interrupted runs this worker started (they have an origin) and whose client it serves.
    private func resumeInterrupted() {
        let interrupted: [RunRecord]
        do { interrupted = try store.runs(status: .interrupted).filter { $0.origin != nil }.reversed() } catch {
            log.error("cannot list the interrupted runs: \(error.description)")
            return
        }
        for record in interrupted {
            guard let client = record.client, clients[client] != nil else {
                log.warning("run \(record.id) is interrupted, but its client \(record.client ?? "(none)") is not in the configuration; it is left as it is")
                continue
            }
            do {
                _ = try store.claim(record.id)
                log.info("resuming \(record.id) (\(client), \(record.flow)): interrupted by the last stop")
                enqueue(WorkerJob(kind: .resume, runID: record.id, client: client))
            } catch {
                log.warning("cannot resume \(record.id): \(error.description)")
            }
        }
    }

    /// Each event received: its triggers' runs made (once: their origin is unique), the runs
    /// parked on it made due, then it is marked processed.
    private func processEvents() throws(RunStoreError) {
        while room > 0 {
            let events = try store.pendingEvents(limit: max(1, room))
            if events.isEmpty { return }
            for event in events {
                guard room > 0 else { return }
                let client = clients[event.client]
                for (index, trigger) in (client?.config.triggers ?? []).enumerated() where trigger.event == event.name || trigger.event == "*" {
                    let origin = "event:\(event.client):\(event.eventID):\(index)"
                    guard try store.run(origin: origin) == nil else { continue }
                    let record = try store.create(NewRun(
                        flow: trigger.flowAsGiven, flowHash: "", arguments: [String(decoding: event.body, as: UTF8.self)],
                        command: [], folder: client!.folder, backend: client!.host.backendSummary, client: event.client, origin: origin))
                    log.info("\(event.name) \(event.eventID) for \(event.client): started \(record.id) (\(trigger.flowAsGiven))")
                    observer?(.started(run: record.id, event: event.eventID, receivedAt: event.receivedAt))
                    enqueue(WorkerJob(kind: .start, runID: record.id, client: event.client))
                }
                let objects = try store.objects(ofEvent: event.seq)
                let woken = try store.wake(client: event.client, event: event.name, objects: objects)
                if woken > 0 { log.info("\(event.name) \(event.eventID) for \(event.client): woke \(woken) parked run(s)") }
                if try store.markProcessed(event.seq) { metrics.processed(client: event.client) }
            }
        }
    }

    /// Parked runs whose time came (or whose event did): claimed, then resumed.
    private func wakeDue() throws(RunStoreError) {
        let free = room
        guard free > 0 else { return }
        for record in try store.dueParked(limit: free) {
            guard let client = record.client, clients[client] != nil else { continue }
            guard try store.claimParked(record.id) != nil else { continue }
            observer?(.woken(run: record.id))
            enqueue(WorkerJob(kind: .wake, runID: record.id, client: client))
        }
    }

    /// Each schedule due: its run made (origin unique), then the firing noted. Returns when the
    /// next schedule is due.
    private func fireSchedules() throws(RunStoreError) -> Double {
        let now = Date().timeIntervalSince1970
        var next = Double.infinity
        for client in clients.values {
            for schedule in client.config.schedules {
                next = min(next, schedule.nextDue(after: now))
                guard room > 0 else { continue }
                guard let last = try store.lastFired(client: client.name, schedule: schedule.name) else {
                    // first sight of this schedule: it fires from its next due time on
                    _ = try store.fire(client: client.name, schedule: schedule.name, due: now)
                    continue
                }
                guard let due = schedule.latestDue(after: last, now: now) else { continue }
                let origin = "every:\(client.name):\(schedule.name):\(Int64(due))"
                if try store.run(origin: origin) == nil {
                    let argument: JSONValue = ["client": .string(client.name), "schedule": .string(schedule.spec), "due_at": .double(due)]
                    let text = (try? argument.encoded()).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
                    let record = try store.create(NewRun(
                        flow: schedule.flowAsGiven, flowHash: "", arguments: [text], command: [], folder: client.folder,
                        backend: client.host.backendSummary, client: client.name, origin: origin))
                    log.info("\(schedule.spec) for \(client.name): started \(record.id) (\(schedule.flowAsGiven))")
                    enqueue(WorkerJob(kind: .start, runID: record.id, client: client.name))
                }
                _ = try store.fire(client: client.name, schedule: schedule.name, due: due)
            }
        }
        return next
    }

    // MARK: running

    private func runLoop() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if stopping {
                condition.unlock()
                return
            }
            let job = queue.removeFirst()
            condition.unlock()
            metrics.queueDepth(queueCount)
            run(job)
        }
    }

    private func run(_ job: WorkerJob) {
        defer {
            condition.withLock {
                held.remove(job.runID)
                running[job.runID] = nil
            }
            notify()
        }
        guard let client = clients[job.client] else { return }
        let record: RunRecord
        do {
            guard let found = try store.run(job.runID) else { return }
            record = found
        } catch {
            log.error("cannot read \(job.runID): \(error.description)")
            return
        }
        if job.kind == .start { observer?(.running(run: job.runID)) }
        metrics.started(client: job.client)
        let outcome = WorkerRunJob(
            record: record, client: client, store: store, limits: settings.limits, stdlibFolder: settings.stdlibFolder,
            executor: executor,
            started: { [self] effects, stop in
                let late = condition.withLock { () -> Bool in
                    running[job.runID] = (effects, stop)
                    return stopping
                }
                if late { effects.stopAtNextStep("the worker is shutting down") }
            }).execute()
        metrics.ended(client: job.client, status: outcome.status)
        observer?(.ended(outcome))
        switch outcome.status {
        case .done: log.info("\(outcome.run) (\(job.client), \(record.flow)) done in \(String(format: "%.2f", outcome.seconds)) s")
        case .waiting: log.info("\(outcome.run) (\(job.client)): \(outcome.error ?? "parked")")
        default: log.warning("\(outcome.run) (\(job.client), \(record.flow)) \(outcome.status.rawValue): \(outcome.error ?? "")")
        }
    }

    private func heartbeatLoop() {
        while condition.withLock({ !stopping }) {
            let deadline = Date(timeIntervalSinceNow: RunLease.heartbeatInterval)
            condition.lock()
            while !stopping && Date() < deadline { _ = condition.wait(until: deadline) }
            let ids = held
            condition.unlock()
            for id in ids where (try? store.heartbeat(id)) == false {
                // cancelled meanwhile (onboard runs cancel): stop it
                let slot = condition.withLock { running[id] }
                slot?.stop.stop()
            }
        }
    }
}

/// What the worker reports as it goes, for tests and the benchmark.
public enum WorkerEvent: Sendable {
    /// A trigger's run was made for an event received at `receivedAt`.
    case started(run: String, event: String, receivedAt: Double)
    /// A run thread took it up.
    case running(run: String)
    /// A parked run was claimed to be resumed.
    case woken(run: String)
    case ended(WorkerRunOutcome)
}
