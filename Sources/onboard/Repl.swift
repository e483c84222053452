import ArgumentParser
import Foundation
import LuaKit
import OnboardREPL
import OnboardRuntime

/// `onboard repl`: Lua at a prompt, on the same backends, sandbox and permissions as `run`.
struct Repl: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explore the API interactively: a Lua prompt with completion, history and pretty results.",
        discussion: """
            On a terminal: line editing (emacs keys, ~/.editrc), Tab completion, Ctrl-R history \
            search (history per folder in .onboard/repl_history), Ctrl-C to drop the line or \
            interrupt the running statement, Ctrl-D to leave. `.help` lists the commands.

            When standard input or output is not a terminal, the input is read to its end and \
            run line by line with the same rules, printing results without prompts or colours; \
            the exit status is 1 if any input failed.

            Each statement gets the limits of a run (--time-limit and the others).
            """
    )

    @OptionGroup var limitOptions: LimitOptions

    @OptionGroup(title: "Backend") var backend: BackendOptions

    @OptionGroup(title: "Permissions (nothing is allowed unless granted)") var permissions: PermissionOptions

    @Flag(help: "Run the session in this process instead of a worker process (no process boundary).")
    var noWorker = false

    @Flag(help: "Never colour results, even on a terminal (NO_COLOR does the same).")
    var noColor = false

    static let historyPath = ".onboard/repl_history"

    func validate() throws { try backend.validateChoice() }

    func run() throws {
        let limits = try limitOptions.limits()
        let prepared = try backend.prepareOrExit(permissions: permissions)
        let host = prepared.host
        defer { backend.finish(prepared) }
        // a person at a terminal; with either end redirected the input is a script
        let interactive = isatty(0) != 0 && isatty(1) != 0
        let environment = ProcessInfo.processInfo.environment
        let color = interactive && !noColor && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
        let run = ScriptRun(script: nil, interpreterArguments: ["onboard", "repl"], limits: limits,
                            output: TerminalOutput.write, host: host)
        let engine: any ReplEngine
        do {
            engine = noWorker ? try LocalReplEngine(run, host: host) : try WorkerReplEngine(run, effects: host, output: TerminalOutput.write)
        } catch {
            Diagnostics.error("cannot start the REPL session: \(error.message)")
            throw ExitCode(ExitStatus.scriptError)
        }
        defer { engine.close() }
        let source: any LineSource
        if interactive {
            try? FileManager.default.createDirectory(atPath: ".onboard", withIntermediateDirectories: true)
            // lines holding the value of a key-like variable never reach the history file
            let secrets = environment.filter { name, value in
                value.count >= 8 && ["KEY", "TOKEN", "SECRET", "PASSWORD"].contains { name.uppercased().contains($0) }
            }.map(\.value)
            guard let editor = LineEditor(historyPath: Self.historyPath, secrets: secrets, complete: { text in
                let completion = engine.complete(text)
                return (completion.replacing, completion.candidates)
            }) else {
                Diagnostics.error("cannot set up line editing on this terminal")
                throw ExitCode(ExitStatus.scriptError)
            }
            source = editor
            InterruptSignal.onInterrupt { engine.interrupt() }
            ReplOutput.standardOutput("onboard \(Onboard.version) (\(LuaInfo.release)) on \(engine.backendSummary)\n\(ReplLoop.banner)\n")
        } else {
            source = ScriptedLines.reading()
        }
        let settings = ReplLoop.Settings(interactive: interactive, color: color, limits: limits,
                                         placement: noWorker ? "this process (--no-worker)" : "a worker process (the sandbox of onboard run)")
        let status = ReplLoop(engine: engine, source: source, settings: settings).run()
        if status != 0 { throw ExitCode(status) }
    }
}
