import ArgumentParser
import Foundation
import LuaKit
import Logging
import OnboardRuntime

/// `onboard`: runs Yousign onboarding flows written in Lua.
@main
struct Onboard: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "onboard",
        abstract: "Run customer-onboarding flows for the Yousign API v3, written in Lua.",
        discussion: """
            Exit codes: 0 success, 1 script error, 2 usage error, 3 a sandbox limit fired.
            """,
        version: "onboard \(version) (\(LuaInfo.release))",
        subcommands: [Run.self, Batch.self, Runs.self, Repl.self, Test.self, Types.self, Serve.self, Worker.self, Listen.self, Trigger.self, SandboxWorker.self]
    )

    /// Parses, runs and maps every failure to the documented exit codes.
    static func main() {
        // the worker starts straight away: no argument parsing (its dynamic casts are a good
        // part of a Swift binary's start-up), no logging (it has nothing to log with)
        if CommandLine.arguments.count == 2 && CommandLine.arguments[1] == WorkerSupervisor.command { WorkerProcess.main() }
        // `onboard run` will need a worker: start it while this process starts up
        if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "run" && !CommandLine.arguments.contains("--no-worker")
            && !CommandLine.arguments.contains("--help") && !CommandLine.arguments.contains("-h") {
            WorkerSupervisor.startEarly()
        }
        bootstrapLogging()
        let code: Int32
        do {
            var command = try parseAsRoot()
            try command.run()
            code = 0
        } catch let exit as ExitCode {
            code = exit.rawValue
        } catch {
            let exitCode = Self.exitCode(for: error)
            if exitCode == .success {
                print(fullMessage(for: error))
                code = 0
            } else {
                Diagnostics.error(fullMessage(for: error))
                code = ExitStatus.usage
            }
        }
        LuaState.flushStandardOutput()
        Foundation.exit(code)
    }
}

/// Log lines (retries, rate-limit waits; every request with ONBOARD_LOG=debug) go to standard
/// error, never among the script's output. They never contain the API key (`APIKey`).
func bootstrapLogging() {
    let level = ProcessInfo.processInfo.environment["ONBOARD_LOG"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .notice
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}

enum ExitStatus {
    static let success: Int32 = 0
    static let scriptError: Int32 = 1
    static let usage: Int32 = 2
    static let limit: Int32 = 3
}

/// Messages to standard error, after flushing script output so the two interleave right.
enum Diagnostics {
    /// A note or warning on standard error that does not stop the command.
    static func warning(_ message: String) { error(message) }

    static func error(_ message: String) {
        LuaState.flushStandardOutput()
        let text = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
        var bytes = Array(("onboard: " + text + "\n").utf8)
        // messages quote scripts: on a terminal, their control characters are shown, not obeyed
        if isatty(2) != 0 { bytes = TerminalOutput.escape(bytes) }
        FileHandle.standardError.write(Data(bytes))
    }
}
