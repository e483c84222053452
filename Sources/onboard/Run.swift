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

            Exit codes: 0 success, 1 script error, 2 usage error, 3 a sandbox limit fired.
            Ctrl-C ends the run with 130, naming the API call it stopped.
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

    func run() throws {
        let limits = try limitOptions.limits()
        let prepared = try backend.prepareOrExit(permissions: permissions)
        let host = prepared.host
        defer { backend.finish(prepared) }
        let script: ScriptSource?
        do {
            switch file {
            case nil: script = nil
            case "-": script = .standardInput()
            case let path?: script = try .file(path)
            }
        } catch {
            Diagnostics.error(error.description)
            throw ExitCode(ExitStatus.usage)
        }
        let argv = CommandLine.arguments
        let before = Array(argv.prefix(max(0, argv.count - arguments.count - (file == nil ? 0 : 1))).dropFirst())
        let run = ScriptRun(
            preludes: execute.map(ScriptSource.commandLine), script: script, arguments: arguments,
            interpreterArguments: ["onboard"] + before, scriptName: file, limits: limits, host: host)
        let interrupt = RunInterrupt.install(host: host, scriptName: file ?? "(command line)", inProcess: noWorker) {
            Diagnostics.error($0)
            Foundation.exit(RunInterrupt.exitStatus)
        }
        let status: Int32
        if noWorker {
            status = try LuaThread.run { Self.report(Result { try run.execute() }.map { _ in () }, limits: limits) }
        } else {
            let outcome = WorkerSupervisor().execute(run, effects: host, output: TerminalOutput.write)
            if let message = interrupt.message() {
                Diagnostics.error(message)
                throw ExitCode(RunInterrupt.exitStatus)
            }
            switch outcome {
            case .finished(nil): status = ExitStatus.success
            case .finished(let error?): status = Self.report(.failure(error), limits: limits)
            case .killedAtDeadline(let request):
                let why = request.map { "the time limit passed during \($0), and the run was stopped" }
                    ?? "the script was stuck in a call that cannot be interrupted, and its worker process was killed"
                Diagnostics.error("\(file ?? "(command line)"): time limit exceeded (--time-limit \(limits.display(.time))): \(why)")
                status = ExitStatus.limit
            case .crashed(let why):
                Diagnostics.error("\(file ?? "(command line)"): the script crashed the Lua VM in its worker process; nothing else was affected (\(why))")
                status = ExitStatus.scriptError
            }
        }
        if status != ExitStatus.success { throw ExitCode(status) }
    }
}
