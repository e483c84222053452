import ArgumentParser
import Foundation
import OnboardRuntime
import YousignEmulator
import YousignWire
import YousignEmulatorServer

/// `onboard serve`: the Yousign emulator over HTTP, for flows and tools outside this process.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the stateful Yousign API v3 emulator over HTTP.",
        discussion: """
            Prints where it listens, the API key and the control surface once the socket is \
            bound, then one line per request on standard error. State survives restarts in \
            --state (a SQLite file) unless --ephemeral. SIGINT or SIGTERM stops it after the \
            requests in flight; every answered request is already saved.

            To test how flows cope with a network: --latency delays every request, and POST \
            /_emulator/faults makes the next matching requests fail with a 429 or 5xx, or \
            lose their response after the emulator acted (docs/emulator.md).

            Exit codes: 0 stopped by a signal, 1 could not start, 2 usage error.
            """
    )

    @Option(help: ArgumentHelp("Address to listen on.", valueName: "host"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("Port to listen on; 0 picks a free one.", valueName: "port"))
    var port = 8080

    @Option(help: ArgumentHelp("SQLite file that keeps the emulator's state (default .onboard/emulator.sqlite).", valueName: "path"))
    var state: String?

    @Flag(help: "Keep the state in memory only: every start is a fresh emulator.")
    var ephemeral = false

    @Option(help: ArgumentHelp("JSON file of workspaces, API keys and workflow templates for a new state.", valueName: "file"))
    var fixtures: String?

    /// [I] Off unless asked for: a local emulator that answers 429 after 30 calls a minute gets in
    /// the way of tests and loops more than it helps; `sandbox` reproduces Yousign's sandbox.
    @Option(name: [.customLong("rate-limit"), .customLong("rate-limits")],
            help: ArgumentHelp("Rate limits per API key: off, sandbox (30/min, 200/h), production (60/min, 1200/h) or custom ones like 10/s,300/min,5000/h.",
                               valueName: "limits"))
    var rateLimit: EmulatorConfiguration.RateLimit = .off

    @Option(help: ArgumentHelp("Another API key the emulator accepts (repeatable).", valueName: "key"))
    var apiKey: [String] = []

    @Flag(name: .customLong("reset-clock"),
          help: "Set the state's clock back to real time before serving (objects and timers stay as they are).")
    var resetClock = false

    @Option(help: ArgumentHelp("Delay each request like a network: 20ms, or 10ms..50ms drawn per request (half before the emulator acts, half after).",
                               valueName: "duration"))
    var latency: String?

    /// `--latency`, parsed.
    func latencyRange() throws -> ClosedRange<Duration>? {
        guard let latency else { return nil }
        do { return try LatencyFlag.parse(latency) } catch { throw ValidationError(error.description) }
    }

    func validate() throws {
        if let conflict = EmulatorState.conflict(state: state, ephemeral: ephemeral) { throw ValidationError(conflict) }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if apiKey.contains(where: { $0.isEmpty || $0.contains(where: \.isWhitespace) }) {
            throw ValidationError("--api-key must be a non-empty key without spaces")
        }
        _ = try latencyRange()
    }

    func run() throws {
        var loaded = Fixtures.defaults
        if let fixtures {
            do { loaded = try Fixtures.load(path: fixtures) } catch {
                Diagnostics.error("\(error)")
                throw ExitCode(ExitStatus.usage)
            }
        }
        // the banner names the fixtures' key, never one given on the command line
        let shownKey = loaded.apiKeys.first ?? Fixtures.defaultAPIKey
        loaded.apiKeys += apiKey
        let sender = HTTPWebhookSender()
        let location = EmulatorState(state: state, ephemeral: ephemeral)
        let storage: EmulatorConfiguration.Storage = location.path.map { .file($0) } ?? .memory
        let emulator: YousignEmulator
        do {
            emulator = try YousignEmulator(EmulatorConfiguration(
                storage: storage, rateLimit: rateLimit, fixtures: loaded, webhookSender: sender))
        } catch {
            Diagnostics.error(LazyEmbeddedEmulator.openFailure(location, error))
            throw ExitCode(ExitStatus.scriptError)
        }
        if resetClock {
            do { try emulator.setClockToRealTime() } catch {
                Diagnostics.error("--reset-clock: \(error)")
                throw ExitCode(ExitStatus.scriptError)
            }
        } else if location.path != nil, emulator.clockOffset >= LazyEmbeddedEmulator.noticeThreshold {
            Diagnostics.warning(LazyEmbeddedEmulator.aheadNotice(path: location.location, offset: emulator.clockOffset)
                .replacingOccurrences(of: "`--reset-clock` sets", with: "`onboard serve --reset-clock` or POST /_emulator/clock/reset sets"))
        }
        let server = EmulatorServer(emulator: emulator, host: host, port: port, latency: try latencyRange(),
                                    requestLog: EmulatorServer.standardErrorLog())
        let host = self.host
        let extraKeys = apiKey.count
        do {
            try waitFor {
                try await server.run { port in
                    Banner.print(host: host, port: port, key: shownKey, extraKeys: extraKeys)
                }
            }
        } catch {
            Diagnostics.error("cannot serve on \(host):\(port): \(EmulatorServer.describe(error))")
            throw ExitCode(ExitStatus.scriptError)
        }
    }
}

/// What `onboard serve` prints once it listens; scripts read the port from the first line.
enum Banner {
    static func print(host: String, port: Int, key: String, extraKeys: Int) {
        let base = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        var text = "Yousign emulator listening on \(base)/v3\n"
        text += "API key: \(key)" + (extraKeys > 0 ? " (and \(extraKeys) given with --api-key)" : "") + "\n"
        text += "Control surface: \(base)/_emulator\n"
        // unbuffered, so a script reading the pipe sees it at once
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// Runs async work from the synchronous command and waits for it: the root command is a
/// `ParsableCommand` with its own `main`, and only `serve` needs concurrency.
func waitFor(_ work: @escaping @Sendable () async throws -> Void) throws {
    let done = DispatchSemaphore(value: 0)
    let failure = FailureBox()
    Task {
        do { try await work() } catch { failure.error = error }
        done.signal()
    }
    done.wait()
    if let error = failure.error { throw error }
}

private final class FailureBox: @unchecked Sendable {
    var error: (any Error)?
}

/// `--rate-limit sandbox`, `--rate-limits 10/s,300/min,5000/h`: a bad value names the forms.
extension RateLimits: ExpressibleByArgument {
    public init?(argument: String) {
        guard case .success(let limits) = RateLimits.parse(argument) else { return nil }
        self = limits
    }

    public var defaultValueDescription: String { isEmpty ? "off" : description }

    public static var defaultCompletionKind: CompletionKind { .list(["off", "sandbox", "production"]) }
}
