import Foundation
import LuaKit
import OnboardRuntime

/// The read-eval-print loop: lines from a `LineSource`, statements to a `ReplEngine`, results
/// and errors to the terminal. lua.c's rules: a line is tried as an expression first, an
/// unfinished statement continues on the `>>` prompt, Ctrl-C drops what was typed. Lines that
/// start with `.` and a command name are commands (`.help`, `.load FILE`, `.backend`, `.exit`).
public final class ReplLoop {
    public struct Settings {
        /// A person at a terminal: banner, prompts, history. Otherwise the input is a script.
        public var interactive: Bool
        /// ANSI colours in results and errors (a terminal, NO_COLOR unset).
        public var color: Bool
        /// The run limits, named in messages when one fires.
        public var limits: LuaLimits
        /// Where the session runs, for `.backend` (`a worker process`, `this process`).
        public var placement: String

        public init(interactive: Bool, color: Bool, limits: LuaLimits, placement: String) {
            self.interactive = interactive
            self.color = color
            self.limits = limits
            self.placement = placement
        }
    }

    let engine: any ReplEngine
    let source: any LineSource
    let settings: Settings
    let output: ReplOutput
    /// Inputs that failed (errors, syntax errors): a script's exit status says whether any did.
    public private(set) var failures = 0

    public init(engine: any ReplEngine, source: any LineSource, settings: Settings, output: ReplOutput = ReplOutput()) {
        self.engine = engine
        self.source = source
        self.settings = settings
        self.output = output
    }

    public static let banner = "Type Lua; .help lists the commands; Tab completes; Ctrl-D exits."

    /// Reads and runs everything; returns the exit status (0, or 1 when a script's input failed).
    public func run() -> Int32 {
        var pending: [String] = []
        // a script's statements report the lines of the input (stdin:7), as `lua - < file`
        // would; at the prompt every statement is its own chunk, as in lua.c
        var linesRead = 0, statementStart = 1
        func located(_ code: String) -> String {
            settings.interactive || statementStart == 1 ? code : String(repeating: "\n", count: statementStart - 1) + code
        }
        while true {
            let prompt = settings.interactive ? (pending.isEmpty ? "> " : ">> ") : ""
            switch source.read(prompt: prompt) {
            case .end:
                if !pending.isEmpty && !settings.interactive {
                    // a script ended inside a statement: say what Lua says about it (at the
                    // prompt, Ctrl-D on >> leaves as lua.c does, dropping the statement)
                    report(engine.evaluate(located(pending.joined(separator: "\n")), chunkName: "=stdin", color: settings.color, file: true))
                }
                if settings.interactive { output.result("") }
                return settings.interactive || failures == 0 ? 0 : 1
            case .interrupted:
                pending = []
            case .line(let line):
                linesRead += 1
                if pending.isEmpty { statementStart = linesRead }
                if pending.isEmpty, let command = ReplCommand(line) {
                    if case .exit = command { return settings.interactive || failures == 0 ? 0 : 1 }
                    source.remember(line)
                    perform(command)
                    continue
                }
                pending.append(line)
                let code = pending.joined(separator: "\n")
                if code.allSatisfy(\.isWhitespace) {
                    pending = []
                    continue
                }
                let outcome = engine.evaluate(located(code), chunkName: "=stdin", color: settings.color, file: false)
                if outcome == .incomplete { continue }
                pending = []
                source.remember(code)
                report(outcome)
            }
        }
    }

    func perform(_ command: ReplCommand) {
        switch command {
        case .help: output.result(ReplCommand.helpText)
        case .backend: output.result("backend: \(engine.backendSummary)\nsession: \(settings.placement)")
        case .exit: break
        case .load(let path):
            guard !path.isEmpty else { return fail("usage: .load FILE") }
            var code: String
            do { code = String(decoding: try ScriptSource.file(path).bytes, as: UTF8.self) } catch { return fail("\(error)") }
            if code.hasPrefix("#") { code = String(code.drop { $0 != "\n" }) }  // a #! line, as lua.c skips it
            report(engine.evaluate(code, chunkName: "@" + path, color: settings.color, file: true))
        case .unknown(let name): fail("unknown command .\(name) (.help lists the commands)")
        }
    }

    func report(_ outcome: ReplOutcome) {
        switch outcome {
        case .value(let text): if !text.isEmpty { output.result(text) }
        case .incomplete: break
        case .syntax(let message): fail(message)
        case .failed(let error):
            if case .limit(.cancelled) = error.status {
                failures += 1
                return output.error("interrupted" + (error.location.map { " at \($0)" } ?? "") + "; the session goes on", color: settings.color)
            }
            fail(ErrorReport(error, limits: settings.limits).text)
        case .restarted(let why): fail(why)
        }
    }

    func fail(_ message: String) {
        failures += 1
        output.error(message, color: settings.color)
    }
}

/// Where results and errors go: results to standard output after the script's own output,
/// errors to standard error, with control characters shown escaped on a terminal.
public struct ReplOutput {
    public var writeOut: (String) -> Void
    public var writeError: (String) -> Void

    public init(writeOut: @escaping (String) -> Void = ReplOutput.standardOutput,
                writeError: @escaping (String) -> Void = ReplOutput.standardError) {
        self.writeOut = writeOut
        self.writeError = writeError
    }

    func result(_ text: String) { writeOut(text + (text.isEmpty ? "" : "\n")) }

    func error(_ message: String, color: Bool) {
        writeError(color ? "\u{1B}[31m\(message)\u{1B}[0m\n" : message + "\n")
    }

    /// After the script's buffered output, so the two stay in order; on a terminal, the text's
    /// control characters are escaped except the printer's colours.
    public static func standardOutput(_ text: String) {
        var bytes = Array(text.utf8)
        if isatty(1) != 0 { bytes = TerminalOutput.escape(bytes, keepingColours: true) }
        bytes.withUnsafeBytes { LuaState.standardOutput($0) }
        LuaState.flushStandardOutput()
    }

    public static func standardError(_ text: String) {
        LuaState.flushStandardOutput()
        var bytes = Array(text.utf8)
        if isatty(2) != 0 { bytes = TerminalOutput.escape(bytes, keepingColours: true) }
        FileHandle.standardError.write(Data(bytes))
    }
}
