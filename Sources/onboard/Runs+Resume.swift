import ArgumentParser
import Foundation
import OnboardRuns
import OnboardRuntime

extension Runs {
    /// `onboard runs resume ID` / `--all`.
    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resume an interrupted or failed run: replay its journal, then go on live.",
            discussion: """
                The flow runs again from the top in a fresh worker, with the options it was started \
                with, in the folder it was started from. Each effect is answered from the journal \
                without touching the API; where the journal ends, the run goes on live. A request \
                that was sent but never answered is looked up first (docs/durability.md), never \
                sent again blindly. If the flow now asks something other than the journal's next \
                step, the run stops, left as it was. The exit status is the run's own; with --all, \
                the worst of them.
                """
        )

        @OptionGroup var store: RunStoreOptions

        @Argument(help: ArgumentHelp("The run's id (run_…).", valueName: "id"))
        var id: String?

        @Flag(help: "Resume every interrupted run, oldest first.")
        var all = false

        @Flag(name: .customLong("resend-uncertain"),
              help: "Send again a request whose outcome is unknown and cannot be looked up: only after checking it did not take effect.")
        var resendUncertain = false

        func validate() throws {
            if (id == nil) == !all { throw ValidationError("name a run to resume, or give --all for every interrupted run") }
            if let id, !RunID.isValid(id) { throw ValidationError("'\(id)' is not a run id (run_ and 26 letters and digits; `onboard runs list` shows them)") }
        }

        func run() throws {
            let store = try store.openOrExit()
            let ids: [String]
            do {
                // a batch's rows go on with their batch, a worker's runs with the worker
                ids = try id.map { [$0] } ?? store.runs(status: .interrupted).filter { $0.batch == nil && $0.origin == nil }.map(\.id).reversed()
            } catch {
                Diagnostics.error("\(error)")
                throw ExitCode(ExitStatus.usage)
            }
            if all && ids.isEmpty { print("no interrupted runs in \(store.location)") }
            var worst: Int32 = 0
            let home = FileManager.default.currentDirectoryPath
            for id in ids {
                let status = try resume(id, store: store)
                worst = max(worst, status)
                _ = FileManager.default.changeCurrentDirectoryPath(home)
            }
            if worst != 0 { throw ExitCode(worst) }
        }

        private func resume(_ id: String, store: RunStore) throws -> Int32 {
            let record: RunRecord
            let before: RunStatus
            do {
                guard let current = try store.run(id) else {
                    throw RunStoreError(.notFound, "no run \(id) in \(store.location); `onboard runs list` shows the runs there are")
                }
                before = current.effectiveStatus()
                if current.origin != nil {
                    Diagnostics.error("\(id) is a run of `onboard worker` (client \(current.client ?? "?")); the worker resumes it at its next start")
                    return ExitStatus.usage
                }
                if let batch = current.batch {
                    Diagnostics.error("\(id) is row \(current.row ?? 0) of batch \(batch); go on with the batch instead: onboard batch --resume \(batch)")
                    return ExitStatus.usage
                }
                record = try store.claim(id)
            } catch let error as RunStoreError {
                Diagnostics.error(error.description)
                return error.kind == .conflict || error.kind == .notFound ? ExitStatus.scriptError : ExitStatus.usage
            }
            guard FileManager.default.changeCurrentDirectoryPath(record.folder) else {
                let message = "\(id) was started in \(record.folder), which is gone; it is left as it was"
                Diagnostics.error(message)
                try? store.finish(id, status: before, exitCode: record.exitCode, error: message)
                return ExitStatus.usage
            }
            let command: Run
            do {
                command = try Run.parse(record.command + (record.flow == "-e" ? [] : [record.flow]) + record.arguments)
            } catch {
                let message = "\(id)'s options no longer parse (\(Run.message(for: error))); it is left as it was"
                Diagnostics.error(message)
                try? store.finish(id, status: before, exitCode: record.exitCode, error: message)
                return ExitStatus.usage
            }
            return try RunSession(command: command, options: record.command, store: store, storeOptions: self.store,
                                  resuming: (record, before), resendUncertain: resendUncertain).execute()
        }
    }
}
