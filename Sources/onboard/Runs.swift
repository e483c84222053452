import ArgumentParser
import Foundation
import OnboardRuns
import OnboardRuntime

/// `onboard runs`: the journaled runs of the run store.
struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, show, resume, cancel and prune journaled runs.",
        discussion: """
            Every `onboard run` is journaled in the run store (.onboard/runs.sqlite, --runs FILE \
            or $ONBOARD_RUNS). A run whose process died, was interrupted or failed can be \
            resumed: its script runs again from the top, answered from the journal without \
            calling the API, and goes on live where the journal ends (docs/durability.md).
            """,
        subcommands: [List.self, Show.self, Resume.self, Cancel.self, Prune.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the runs, newest first.")

        @OptionGroup var store: RunStoreOptions

        @Option(help: ArgumentHelp("Only runs with this status: running, waiting, done, failed, interrupted or cancelled.",
                                   valueName: "status"))
        var status: RunStatus?

        @Option(help: ArgumentHelp("Only the runs of this batch (batch_…), one per row.", valueName: "id"))
        var batch: String?

        @Option(help: ArgumentHelp("Only the runs of this client of onboard.toml.", valueName: "name"))
        var client: String?

        @Flag(help: "One JSON object a line (id, flow, status, steps, started_at, updated_at, exit_code, attempts, backend, client, batch, row).")
        var json = false

        func validate() throws {
            if let batch, !BatchRecord.isValidID(batch) {
                throw ValidationError("--batch: '\(batch)' is not a batch id (batch_ and 26 letters and digits; `onboard batch` prints it)")
            }
        }

        func run() throws {
            let store = try store.openOrExit()
            let now = Date().timeIntervalSince1970
            let runs: [RunRecord]
            do {
                if let batch {
                    guard try store.batch(batch) != nil else {
                        throw RunStoreError(.notFound, "no batch \(batch) in \(store.location)")
                    }
                }
                runs = batch != nil || client != nil
                    ? try store.runs(batch: batch, client: client, status: status, now: now)
                    : try store.runs(status: status, now: now)
            } catch {
                Diagnostics.error("\(error)")
                throw ExitCode(ExitStatus.usage)
            }
            if json {
                for run in runs { print(RunsFormat.jsonLine(run, now: now)) }
            } else if runs.isEmpty {
                let of = (batch.map { " of batch \($0)" } ?? "") + (client.map { " of client \($0)" } ?? "")
                print(status.map { "no \($0.rawValue) runs\(of) in \(store.location)" } ?? "no runs\(of) in \(store.location) yet")
            } else {
                print(RunsFormat.table(runs, now: now), terminator: "")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a run: its journal step by step, its output and its error.")

        @OptionGroup var store: RunStoreOptions

        @Argument(help: ArgumentHelp("The run's id (run_…).", valueName: "id"))
        var id: String

        @Flag(help: "The run and its journal as one JSON object.")
        var json = false

        func run() throws {
            let store = try store.openOrExit()
            do {
                guard let record = try store.run(id) else { throw RunStoreError(.notFound, "no run \(id) in \(store.location); `onboard runs list` shows the runs there are") }
                let entries = try store.entries(of: id)
                print(json ? RunsFormat.json(record, entries) : RunsFormat.show(record, entries), terminator: json ? "\n" : "")
            } catch let error as RunStoreError {
                Diagnostics.error(error.description)
                throw ExitCode(error.kind == .notFound ? ExitStatus.scriptError : ExitStatus.usage)
            }
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a run that has not ended: it will not be resumed, and a process still running it stops.")

        @OptionGroup var store: RunStoreOptions

        @Argument(help: ArgumentHelp("The run's id (run_…).", valueName: "id"))
        var id: String

        func run() throws {
            let store = try store.openOrExit()
            do {
                let record = try store.cancel(id)
                print("cancelled \(record.id) (\(record.flow), \(record.steps) steps)")
            } catch {
                Diagnostics.error(error.description)
                throw ExitCode(error.kind == .conflict || error.kind == .notFound ? ExitStatus.scriptError : ExitStatus.usage)
            }
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete the runs that ended (done, failed, cancelled) longer ago than a duration, with their journals.")

        @OptionGroup var store: RunStoreOptions

        @Option(name: .customLong("older-than"), help: ArgumentHelp("How old: 30d, 12h, 90m, 2w.", valueName: "duration"))
        var olderThan: String

        func validate() throws {
            if RunsFormat.seconds(olderThan) == nil {
                throw ValidationError("--older-than: '\(olderThan)' is not a duration like 30d, 12h, 90m or 2w")
            }
        }

        func run() throws {
            let store = try store.openOrExit()
            let now = Date().timeIntervalSince1970
            do {
                let (deleted, kept) = try store.prune(before: now - (RunsFormat.seconds(olderThan) ?? 0), now: now)
                print("deleted \(deleted) run\(deleted == 1 ? "" : "s") that ended more than \(olderThan) ago")
                if kept > 0 {
                    print("kept \(kept) interrupted run\(kept == 1 ? "" : "s") as old: resume or cancel \(kept == 1 ? "it" : "them") (onboard runs list --status interrupted)")
                }
            } catch {
                Diagnostics.error(error.description)
                throw ExitCode(ExitStatus.usage)
            }
        }
    }
}

extension RunStatus: ExpressibleByArgument {}
