import ArgumentParser
import Foundation
import LuaKit
import OnboardRuns
import OnboardRuntime
import YousignAPI
import YousignEmulator
import YousignEmulatorServer

/// Where a flow's `yousign` calls go: the embedded emulator (default), an `onboard serve`, or
/// Yousign itself. Shared by `onboard run` and `onboard repl`; the precedence rules are
/// `BackendChoice`'s (OnboardRuntime), this only reads the flags.
struct BackendOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Use a profile of onboard.toml (a backend and the variable holding its key).", valueName: "name"))
    var profile: String?

    @Option(help: ArgumentHelp("Run for a client of onboard.toml ([clients.NAME]: its backend, key variable, grants and limits).", valueName: "name"))
    var client: String?

    @Option(name: .customLong("base-url"),
            help: ArgumentHelp("Call Yousign at URL (or $YOUSIGN_BASE_URL) with the key in $YOUSIGN_API_KEY.", valueName: "url"))
    var baseURL: String?

    @Option(help: ArgumentHelp("Use the emulator served by `onboard serve` at URL.", valueName: "url"))
    var emulator: String?

    @Option(help: ArgumentHelp("The embedded emulator's state file (default .onboard/emulator.sqlite).", valueName: "path"))
    var state: String?

    @Flag(help: "Keep the embedded emulator's state in memory: every run starts fresh.")
    var ephemeral = false

    @Flag(name: .customLong("reset-clock"),
          help: "Set the embedded emulator's clock back to real time before the run (it keeps its objects).")
    var resetClock = false

    @Option(help: ArgumentHelp("The embedded emulator's rate limits: off, sandbox, production or custom like 10/s,300/min.", valueName: "mode"))
    var rateLimit: EmulatorConfiguration.RateLimit = .off

    @Option(help: ArgumentHelp("The configuration file with profiles and clients (default onboard.toml).", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("How long one API request may take before it fails (or is retried, for a GET).",
                               valueName: "duration"))
    var requestTimeout: String = "30s"

    var flags: BackendFlags {
        BackendFlags(profile: profile, baseURL: baseURL, emulator: emulator, state: state, ephemeral: ephemeral, config: config,
                     client: client)
    }

    /// `--request-timeout` as a duration (`500ms`, `30s`, `2m`).
    func timeout() throws(BackendError) -> Duration {
        guard let parsed = try? LuaLimits.parseDuration(requestTimeout), parsed > .zero else {
            throw BackendError("--request-timeout: '\(requestTimeout)' is not a duration like 500ms, 30s or 2m")
        }
        return parsed
    }

    func validateChoice() throws {
        if let conflict = flags.conflict() { throw ValidationError(conflict) }
        if resetClock && (baseURL != nil || emulator != nil) {
            throw ValidationError("--reset-clock is for the embedded emulator; an `onboard serve` resets with `onboard serve --reset-clock` or POST /_emulator/clock/reset")
        }
    }

    /// The backend for this command line, or the reason on standard error and the usage exit status.
    func prepareOrExit(permissions: PermissionOptions, store: RunStore? = nil) throws -> PreparedBackend {
        do { return try prepare(permissions: permissions, store: store) } catch {
            Diagnostics.error(error.description)
            throw ExitCode(ExitStatus.usage)
        }
    }

    func prepare(permissions: PermissionOptions, store: RunStore? = nil,
                 environment: [String: String] = ProcessInfo.processInfo.environment) throws(BackendError) -> PreparedBackend {
        let choice = try BackendChoice.resolve(flags, environment: environment)
        return try prepare(choice, permissions: permissions, store: store, environment: environment)
    }

    /// The backend of a resolved choice, its requests spaced by the key's rate gate (shared
    /// through `store` with every run of the key on the machine).
    func prepare(_ choice: BackendChoice, permissions: PermissionOptions, store: RunStore?,
                 environment: [String: String] = ProcessInfo.processInfo.environment) throws(BackendError) -> PreparedBackend {
        let timeout = try self.timeout()
        let configured = choice.client?.rateLimit
        for warning in choice.warnings { Diagnostics.warning("warning: " + warning) }
        let (files, env) = try permissions.access(profile: choice.profile, secretVariables: choice.secretVariables, environment: environment)
        let prepared = try choice.prepare(environment: environment, files: files, env: env, timeout: timeout,
                                          embedded: EmbeddedEmulatorOpener.make(rateLimit: rateLimit),
                                          gate: { key, url in
                                              RateGate(key: key, store: store, configured: configured,
                                                       documented: url.flatMap(RateGate.documented(baseURL:)))
                                          },
                                          notice: { Diagnostics.warning($0) })
        if resetClock {
            guard let embedded = prepared.embedded else {
                throw BackendError("--reset-clock is for the embedded emulator, and this run uses \(prepared.host.backendSummary)")
            }
            do { try embedded.resetClock() } catch { throw BackendError("--reset-clock: \(error)") }
        }
        return prepared
    }

    /// After the run: says when it moved a state file's clock far ahead.
    func finish(_ prepared: PreparedBackend) {
        if let notice = prepared.embedded?.afterRunNotice() { Diagnostics.warning(notice) }
    }
}

/// Opens the real embedded emulator for OnboardRuntime, with webhooks delivered over HTTP.
enum EmbeddedEmulatorOpener {
    static func make(rateLimit: EmulatorConfiguration.RateLimit) -> EmbeddedOpener {
        EmbeddedOpener(apiKey: Fixtures.defaultAPIKey) { state in
            try YousignEmulator(EmulatorConfiguration(
                storage: state.path.map { .file($0) } ?? .memory, rateLimit: rateLimit, webhookSender: HTTPWebhookSender()))
        }
    }
}
