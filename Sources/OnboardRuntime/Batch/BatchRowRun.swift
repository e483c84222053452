import Foundation
import JSONCodec
import LuaKit
import OnboardRuns

/// How one row of a batch ended.
public struct BatchRowOutcome: Sendable, Equatable {
    public var row: Int
    public var line: Int
    public var run: String
    public var status: RunStatus
    public var seconds: Double
    /// The flow's error (first line), or why the run stopped.
    public var error: String?
    /// Whether the row's run was resumed (replayed) rather than started.
    public var resumed: Bool

    public init(row: Int, line: Int, run: String, status: RunStatus, seconds: Double, error: String?, resumed: Bool) {
        (self.row, self.line, self.run, self.status, self.seconds, self.error, self.resumed) = (row, line, run, status, seconds, error, resumed)
    }
}

/// One row of a batch as a journaled run: made (or, for an interrupted or retried row, taken
/// over and replayed), run by the executor with the row as the script's first argument, and
/// ended in the store, as `onboard run` ends a run.
public struct BatchRowRun {
    let setup: BatchSetup
    let row: BatchRow
    let existing: RunRecord?
    let stop: RunStopHandle
    /// Called with the run's journaled effects once they exist (Ctrl-C asks them to stop).
    let started: @Sendable (String, JournaledEffects) -> Void

    func execute() -> BatchRowOutcome {
        let begun = Date()
        let record: RunRecord
        let journal: [JournalEntry]
        do {
            (record, journal) = try claimOrCreate()
        } catch {
            return BatchRowOutcome(row: row.index, line: row.line, run: existing?.id ?? "", status: existing?.effectiveStatus() ?? .failed,
                                   seconds: 0, error: error.description, resumed: existing != nil)
        }
        let output = RunOutput(alreadyPrinted: existing == nil ? 0 : record.outputBytes, alreadyKept: record.output.count,
                               cap: RunStore.outputCap, sink: { _ in })
        let stop = self.stop
        let effects = JournaledEffects(host: setup.host, store: setup.store, runID: record.id, journal: journal, output: output,
                                       onStop: { _ in stop.stop() })
        started(record.id, effects)
        var run = ScriptRun(
            script: setup.flow, arguments: [], interpreterArguments: ["onboard", "batch"], scriptName: setup.flowName,
            limits: setup.limits, stdlibFolder: setup.stdlibFolder, output: { output.write($0) }, host: effects)
        run.row = .object(row.values)
        let outcome = setup.executor.execute(run, effects: effects, output: { output.write($0) }, stop: stop)
        var (status, exit, error) = Self.ending(outcome, limits: setup.limits, name: setup.flowName)
        if status == .done { effects.scriptEnded() }
        if let halted = effects.stop {
            switch halted.kind {
            case .divergence, .inputChanged: (status, exit) = (existing?.effectiveStatus() == .failed ? .failed : .interrupted, 1)
            case .uncertain, .store, .interrupted, .parked: (status, exit) = (.interrupted, 1)
            case .cancelled: (status, exit) = (.cancelled, 1)
            }
            error = halted.description
        }
        try? setup.store.finish(record.id, status: status, exitCode: exit, error: error, output: output.take(), outputBytes: output.total)
        return BatchRowOutcome(row: row.index, line: row.line, run: record.id, status: status, seconds: Date().timeIntervalSince(begun),
                               error: error.map(Self.firstLine), resumed: existing != nil)
    }

    private func claimOrCreate() throws(RunStoreError) -> (RunRecord, [JournalEntry]) {
        if let existing {
            let claimed = try setup.store.claim(existing.id)
            if claimed.flowHash != setup.flowHash { try setup.store.setFlowHash(claimed.id, setup.flowHash) }
            return (claimed, try setup.store.entries(of: claimed.id))
        }
        let rowText = String(decoding: row.json, as: UTF8.self)
        let record = try setup.store.create(NewRun(
            flow: setup.flowName, flowHash: setup.flowHash, arguments: [rowText], command: setup.batch.command,
            folder: setup.batch.folder, backend: setup.host.backendSummary, client: setup.batch.client.isEmpty ? nil : setup.batch.client,
            batch: setup.batch.id, row: row.index))
        return (record, [])
    }

    static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// A worker's outcome as a run's end: status, exit code, error.
    public static func ending(_ outcome: WorkerSupervisor.Outcome, limits: LuaLimits, name: String) -> (RunStatus, Int32, String?) {
        switch outcome {
        case .finished(nil): return (.done, 0, nil)
        case .finished(let error?):
            if case .limit = error.status { return (.failed, 3, ErrorReport(error, limits: limits).text) }
            return (.failed, 1, ErrorReport(error, limits: limits).text)
        case .killedAtDeadline(let request):
            let why = request.map { "the time limit passed during \($0), and the run was stopped" }
                ?? "the script was stuck in a call that cannot be interrupted, and its worker process was killed"
            return (.failed, 3, "\(name): time limit exceeded (--time-limit \(limits.display(.time))): \(why)")
        case .crashed(let why):
            return (.failed, 1, "\(name): the script crashed the Lua VM in its worker process; nothing else was affected (\(why))")
        }
    }
}
