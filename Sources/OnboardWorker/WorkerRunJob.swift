import Foundation
import JSONCodec
import LuaKit
import OnboardRuns
import OnboardRuntime

/// How a run ended in the worker.
public struct WorkerRunOutcome: Sendable, Equatable {
    public var run: String
    public var client: String
    public var status: RunStatus
    public var error: String?
    public var seconds: Double
}

/// One run of the worker from the record it holds to where it stops: its journal replayed
/// (every run the worker starts is journaled from its first effect), its first argument the
/// table it was started with (the event, the schedule), its waits parked.
struct WorkerRunJob {
    let record: RunRecord
    let client: WorkerClient
    let store: RunStore
    let limits: LuaLimits
    let stdlibFolder: String?
    let executor: any FlowExecutor
    /// Called once the run's effects exist (a shutdown asks them to stop at their next step).
    let started: @Sendable (JournaledEffects, RunStopHandle) -> Void

    func execute() -> WorkerRunOutcome {
        let begun = Date()
        func ended(_ status: RunStatus, _ error: String?) -> WorkerRunOutcome {
            WorkerRunOutcome(run: record.id, client: client.name, status: status, error: error, seconds: Date().timeIntervalSince(begun))
        }
        let path = record.flow.hasPrefix("/") ? record.flow : record.folder + "/" + record.flow
        let flow: ScriptSource
        let journal: [JournalEntry]
        do {
            flow = try .file(path)
            journal = try store.entries(of: record.id)
        } catch {
            let message = "\(record.flow): \(error)"
            try? store.finish(record.id, status: .interrupted, exitCode: 2, error: message)
            return ended(.interrupted, message)
        }
        let hash = JournaledEffects.hash(flow.bytes)
        if hash != record.flowHash { try? store.setFlowHash(record.id, hash) }
        let output = RunOutput(alreadyPrinted: record.outputBytes, alreadyKept: record.output.count, cap: RunStore.outputCap, sink: { _ in })
        let stop = RunStopHandle()
        let store = self.store, clientName: String? = record.client
        let effects = JournaledEffects(
            host: client.host, store: store, runID: record.id, journal: journal, output: output, parking: true,
            events: { name, object in (try? store.event(client: clientName, name: name, object: object))?.body },
            onStop: { _ in stop.stop() })
        started(effects, stop)
        // a trigger's run gets its event, a schedule's its firing, as a table; a detached run
        // (`onboard run --detach`) its arguments as given
        let startedByWorker = record.origin.map { $0.hasPrefix("event:") || $0.hasPrefix("every:") } ?? false
        var run = ScriptRun(script: flow, arguments: startedByWorker ? [] : record.arguments, interpreterArguments: ["onboard", "worker"],
                            scriptName: record.flow, limits: limits, stdlibFolder: stdlibFolder, output: { output.write($0) }, host: effects)
        if startedByWorker { run.row = record.arguments.first.flatMap { try? JSONValue(parsing: Array($0.utf8)) } }
        let outcome = executor.execute(run, effects: effects, output: { output.write($0) }, stop: stop)
        var (status, exit, error) = BatchRowRun.ending(outcome, limits: limits, name: record.flow)
        if status == .done { effects.scriptEnded() }
        if let halted = effects.stop {
            switch halted.kind {
            case .parked:
                return ended(.waiting, halted.description)
            case .divergence, .inputChanged, .uncertain, .store, .interrupted: (status, exit) = (.interrupted, 1)
            case .cancelled: (status, exit) = (.cancelled, 1)
            }
            error = halted.description
        }
        try? store.finish(record.id, status: status, exitCode: exit, error: error, output: output.take(), outputBytes: output.total)
        return ended(status, error.map { String($0.split(separator: "\n", maxSplits: 1).first ?? "") })
    }
}
