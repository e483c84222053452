import ArgumentParser
import Foundation
import LuaKit
import OnboardRuns
import OnboardRuntime

/// `onboard batch FLOW --input FILE`: the flow once per row of a CSV or JSON-lines file, each
/// row a durable run, rows at once on a pool of workers, within the key's rate limit.
struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a flow once per row of a CSV or JSON-lines file, each row a durable run.",
        discussion: """
            Each row is a run of its own whose first argument is the row as a table \
            (`local row = ...`, keys from the CSV header or the JSON object). Rows run \
            --concurrency at once (default: the client's, else 4) on a pool of worker processes, \
            each in a fresh Lua state; every request of every run waits for its slot in the API \
            key's rate limit, shared through the run store with every batch and run of that key.

            A batch lives in the run store with an id (batch_...). Running the same command again \
            (same flow, same input content, same client) goes on with it: rows done are skipped, \
            rows interrupted are resumed by replay, the others start. --resume ID does the same by \
            id; --retry-failed ID also runs the failed rows again. Ctrl-C stops taking rows and \
            lets the running ones reach their next step (a second Ctrl-C kills them); the batch \
            then says how to resume it. `onboard runs list --batch ID` lists its runs.

            On a terminal a live line shows progress and a summary follows; otherwise (or with \
            --json) one JSON line per finished row and a last summary line.

            Exit codes: 0 every row done, 1 a row failed or was interrupted, 2 usage or input \
            error, 130 after Ctrl-C.
            """
    )

    @OptionGroup var limitOptions: LimitOptions

    @OptionGroup(title: "Backend") var backend: BackendOptions

    @OptionGroup(title: "Permissions (nothing is allowed unless granted)") var permissions: PermissionOptions

    @OptionGroup(title: "Runs") var store: RunStoreOptions

    @Option(help: ArgumentHelp("The customers: CSV with a header row, or JSON lines (.jsonl, .ndjson).", valueName: "file"))
    var input: String?

    @Option(help: ArgumentHelp("The input's format when its name does not tell: csv or jsonl.", valueName: "format"))
    var format: BatchInput.Format?

    @Option(help: ArgumentHelp("Rows running at once (default: the client's concurrency, else 4).", valueName: "n"))
    var concurrency: Int?

    @Flag(help: "One JSON line per finished row and a summary line, even on a terminal.")
    var json = false

    @Flag(help: "Read the input and compile the flow, print the plan, and stop: no API call, no run.")
    var dryRun = false

    @Option(help: ArgumentHelp("Go on with the batch of this id, with the options it was started with.", valueName: "id"))
    var resume: String?

    @Option(name: .customLong("retry-failed"),
            help: ArgumentHelp("Go on with the batch of this id, running its failed rows again too.", valueName: "id"))
    var retryFailed: String?

    @Flag(help: "Run rows in this process instead of worker processes (for debugging and measuring).")
    var noWorker = false

    @Argument(help: ArgumentHelp("The flow to run for each row.", valueName: "flow"))
    var flow: String?

    func validate() throws {
        let byID = [resume, retryFailed].compactMap { $0 }
        if byID.count > 1 { throw ValidationError("--resume and --retry-failed exclude each other") }
        if let id = byID.first {
            guard BatchRecord.isValidID(id) else {
                throw ValidationError("'\(id)' is not a batch id (batch_ and 26 letters and digits; `onboard runs list --batch` shows them)")
            }
            if flow != nil || input != nil { throw ValidationError("--resume and --retry-failed take the flow and input the batch was started with") }
            return
        }
        if flow == nil { throw ValidationError("name the flow to run for each row: onboard batch FLOW --input FILE") }
        if input == nil { throw ValidationError("give the customers with --input FILE (CSV with a header row, or JSON lines)") }
        if let concurrency, !(1...256).contains(concurrency) { throw ValidationError("--concurrency must be between 1 and 256, not \(concurrency)") }
        try backend.validateChoice()
        try limitOptions.validate()
    }

    func run() throws {
        if let id = resume ?? retryFailed {
            try Self.goOn(id, retryFailed: retryFailed != nil, storeOptions: store, json: json)
            return
        }
        let arguments = Array(CommandLine.arguments.dropFirst(2))
        let status = try BatchSession(command: self, options: arguments, retryFailed: false).execute()
        if status != ExitStatus.success { throw ExitCode(status) }
    }

    /// `--resume ID` / `--retry-failed ID`: the batch's own command, in its own folder.
    static func goOn(_ id: String, retryFailed: Bool, storeOptions: RunStoreOptions, json: Bool) throws {
        let runStore = try storeOptions.openOrExit()
        let found: BatchRecord?
        do { found = try runStore.batch(id) } catch {
            Diagnostics.error(error.description)
            throw ExitCode(ExitStatus.usage)
        }
        guard let record = found else {
            Diagnostics.error("no batch \(id) in \(runStore.location); `onboard runs list` shows the runs there are")
            throw ExitCode(ExitStatus.usage)
        }
        guard FileManager.default.changeCurrentDirectoryPath(record.folder) else {
            Diagnostics.error("\(id) was started in \(record.folder), which is gone")
            throw ExitCode(ExitStatus.usage)
        }
        var command: Batch
        do { command = try Batch.parse(record.command) } catch {
            Diagnostics.error("\(id)'s options no longer parse (\(Batch.message(for: error)))")
            throw ExitCode(ExitStatus.usage)
        }
        if json { command.json = true }
        if storeOptions.runs != nil { command.store = storeOptions }
        let status = try BatchSession(command: command, options: record.command, retryFailed: retryFailed, expected: record).execute()
        if status != ExitStatus.success { throw ExitCode(status) }
    }
}

extension BatchInput.Format: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument == "ndjson" || argument == "jsonlines" ? "jsonl" : argument) }
}
