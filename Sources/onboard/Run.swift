import ArgumentParser
import Foundation
import LuaKit
import OnboardRuntime

/// `onboard run FILE [ARGS...]`, like `lua FILE ARGS...` in the sandbox.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a Lua flow script in the sandbox.",
        discussion: """
            Like `lua FILE ARGS...`: the script gets ARGS as `...` and in the global `arg` table \
            (arg[0] is the script name). Use - as FILE to read the script from standard input. \
            Errors print as file:line: message with a traceback on standard error.

            The global `yousign` calls the API (docs/lua-api.md). By default it talks to the \
            embedded emulator, whose state lives in .onboard/emulator.sqlite (created on first \
            use); `emulator` then stands in for signers and the clock. --emulator URL uses an \
            `onboard serve`; --base-url URL (or $YOUSIGN_BASE_URL) calls Yousign with the key in \
            $YOUSIGN_API_KEY; --profile NAME takes both from onboard.toml.

            Every run is journaled in the run store (.onboard/runs.sqlite, --runs FILE or \
            $ONBOARD_RUNS; in memory with --ephemeral): a run that fails, is interrupted or is \
            killed can be resumed with `onboard runs resume ID`, which replays the journal \
            without calling the API again and goes on from where it stopped (docs/durability.md).

            Exit codes: 0 success, 1 script error, 2 usage error, 3 a sandbox limit fired.
            Ctrl-C ends the run with 130 (SIGTERM with 143), naming the API call it stopped.
            """
    )

    @OptionGroup var limitOptions: LimitOptions

    @OptionGroup(title: "Backend") var backend: BackendOptions

    @OptionGroup(title: "Permissions (nothing is allowed unless granted)") var permissions: PermissionOptions

    @Option(name: .customShort("e"), help: ArgumentHelp("Run CODE before the script (repeatable).", valueName: "code"))
    var execute: [String] = []

    @Argument(help: ArgumentHelp("The Lua script to run, or - for standard input.", valueName: "file"))
    var file: String?

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("Arguments for the script.", valueName: "args"))
    var arguments: [String] = []

    @Flag(help: "Run the script in this process instead of a worker process (no process boundary: for debugging and measuring).")
    var noWorker = false

    @Flag(help: "Hand the run to `onboard worker` (with --client): queue it in the run store, print its id and return.")
    var detach = false

    /// Prints a failed run's report and returns its exit status.
    static func report(_ result: Result<Void, any Error>, limits: LuaLimits) -> Int32 {
        switch result {
        case .success: return ExitStatus.success
        case .failure(let error as LuaError):
            Diagnostics.error(ErrorReport(error, limits: limits).text)
            if case .limit = error.status { return ExitStatus.limit }
            return ExitStatus.scriptError
        case .failure(let error):
            Diagnostics.error("\(error)")
            return ExitStatus.scriptError
        }
    }

    func validate() throws {
        if file == nil && execute.isEmpty {
            throw ValidationError("name a script to run (or - for standard input), or give code with -e")
        }
        try backend.validateChoice()
    }

    @OptionGroup(title: "Runs") var store: RunStoreOptions

    func run() throws {
        // what came before the script: kept with the run, to resume it the same way
        let argv = CommandLine.arguments
        let before = Array(argv.prefix(max(0, argv.count - arguments.count - (file == nil ? 0 : 1))).dropFirst(2))
        let runStore = try store.openOrExit(ephemeral: backend.ephemeral)
        if detach { return try detach(runStore: runStore) }
        let status = try RunSession(command: self, options: before, store: runStore, storeOptions: store).execute()
        if status != ExitStatus.success { throw ExitCode(status) }
    }
}
