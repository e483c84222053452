import ArgumentParser
import Foundation
import LuaKit
import OnboardRuntime
import YousignAPI
import YousignEmulator
import YousignEmulatorServer

/// Where a flow's `yousign` calls go: the embedded emulator (default), an `onboard serve`, or
/// Yousign itself. Shared by `onboard run` and `onboard repl`.
struct BackendOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Use a profile of onboard.toml (a backend and the variable holding its key).", valueName: "name"))
    var profile: String?

    @Option(name: .customLong("base-url"),
            help: ArgumentHelp("Call Yousign at URL (or $YOUSIGN_BASE_URL) with the key in $YOUSIGN_API_KEY.", valueName: "url"))
    var baseURL: String?

    @Option(help: ArgumentHelp("Use the emulator served by `onboard serve` at URL.", valueName: "url"))
    var emulator: String?

    @Option(help: ArgumentHelp("The embedded emulator's state file (default .onboard/emulator.sqlite).", valueName: "path"))
    var state: String?

    @Flag(help: "Keep the embedded emulator's state in memory: every run starts fresh.")
    var ephemeral = false

    @Option(help: ArgumentHelp("The embedded emulator's rate limits: off, sandbox or production.", valueName: "mode"))
    var rateLimit: EmulatorConfiguration.RateLimit = .off

    @Option(help: ArgumentHelp("The configuration file with profiles.", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("How long one API request may take before it fails (or is retried, for a GET).",
                               valueName: "duration"))
    var requestTimeout: String = "30s"

    /// `--request-timeout` as a duration (`500ms`, `30s`, `2m`).
    func timeout() throws(BackendError) -> Duration {
        guard let parsed = try? LuaLimits.parseDuration(requestTimeout), parsed > .zero else {
            throw BackendError("--request-timeout: '\(requestTimeout)' is not a duration like 500ms, 30s or 2m")
        }
        return parsed
    }

    static let defaultKeyVariable = "YOUSIGN_API_KEY"

    func validateChoice() throws {
        let chosen = [baseURL != nil, emulator != nil, state != nil || ephemeral].filter { $0 }.count
        if chosen > 1 { throw ValidationError("choose one backend: --base-url, --emulator, or --state/--ephemeral") }
        if state != nil && ephemeral { throw ValidationError("--state and --ephemeral exclude each other") }
    }

    /// `makeHost`, or the reason on standard error and the usage exit status.
    func hostOrExit(permissions: PermissionOptions) throws -> FlowHost {
        do { return try makeHost(permissions: permissions) } catch {
            Diagnostics.error(error.description)
            throw ExitCode(ExitStatus.usage)
        }
    }

    /// The flow host for the chosen backend. The embedded emulator opens its state on first use.
    func makeHost(permissions: PermissionOptions,
                  environment: [String: String] = ProcessInfo.processInfo.environment) throws(BackendError) -> FlowHost {
        let timeout = try self.timeout()
        let configPath = config ?? "onboard.toml"
        let loaded: OnboardConfig
        do { loaded = try OnboardConfig.load(path: configPath, required: config != nil) } catch {
            throw BackendError(error.description)
        }
        // a backend chosen by flag or environment leaves the default profile out; a profile
        // named with --profile or $ONBOARD_PROFILE still gives its key variable
        let environmentURL = environment["YOUSIGN_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let backendGiven = baseURL != nil || emulator != nil || state != nil || ephemeral || environmentURL != nil
        let explicitProfile = profile ?? environment["ONBOARD_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        let profileName = explicitProfile ?? (backendGiven ? nil : loaded.defaultProfile)
        var chosen: OnboardConfig.Profile?
        if let profileName {
            guard let p = loaded.profiles[profileName] else {
                let known = loaded.profiles.keys.sorted()
                throw BackendError("no profile '\(profileName)' in \(configPath)" + (known.isEmpty ? "" : " (profiles: \(known.joined(separator: ", ")))"))
            }
            chosen = p
        }
        let keyVariable = chosen?.apiKeyEnv ?? Self.defaultKeyVariable
        let environmentKey = environment[keyVariable].flatMap { $0.isEmpty ? nil : $0 }
        // every variable that holds a key of a profile stays out of env.get, whatever is granted
        let secrets = Set([Self.defaultKeyVariable, keyVariable] + loaded.profiles.values.compactMap(\.apiKeyEnv))
        let (files, env) = try permissions.access(profile: chosen, secretVariables: secrets, environment: environment)

        if !ephemeral && state == nil {
            if let url = emulator ?? (baseURL == nil ? chosen?.emulatorURL : nil) {
                return try served(url, key: environmentKey ?? Fixtures.defaultAPIKey, profile: profileName, timeout: timeout, files: files, env: env)
            }
            if let url = baseURL ?? environmentURL ?? chosen?.baseURL {
                guard let environmentKey else {
                    throw BackendError("set \(keyVariable) to your Yousign API key for \(url) (keys are read from the environment so they never sit on a command line or in a file)")
                }
                return try yousign(url, key: environmentKey, profile: profileName, timeout: timeout, files: files, env: env)
            }
        }
        let memory = ephemeral || (state == nil && chosen?.ephemeral == true)
        return embedded(memory ? nil : (state ?? chosen?.state ?? Serve.defaultStatePath), profile: profileName, timeout: timeout,
                        files: files, env: env)
    }

    private func embedded(_ path: String?, profile: String?, timeout: Duration, files: FileAccess, env: EnvAccess) -> FlowHost {
        let lazy = LazyEmulator(configuration: EmulatorConfiguration(
            storage: path.map { .file($0) } ?? .memory, rateLimit: rateLimit, webhookSender: HTTPWebhookSender()),
            statePath: path)
        let transport = InProcessTransport(failable: { request throws(TransportError) in
            try await lazy.get().handle(request)
        })
        return FlowHost.emulator(transport: transport, key: Fixtures.defaultAPIKey, advancing: true,
                                 description: BackendDescription(kind: .embeddedEmulator, location: path ?? "in memory", profile: profile),
                                 files: files, env: env, timeout: timeout)
    }

    private func served(_ url: String, key: String, profile: String?, timeout: Duration, files: FileAccess,
                        env: EnvAccess) throws(BackendError) -> FlowHost {
        let transport: HTTPTransport
        do { transport = try HTTPTransport(baseURL: url) } catch { throw BackendError("--emulator: \(error.message)") }
        return FlowHost.emulator(transport: transport, key: key, advancing: false,
                                 description: BackendDescription(kind: .servedEmulator, location: transport.baseURL, profile: profile),
                                 files: files, env: env, timeout: timeout)
    }

    private func yousign(_ url: String, key: String, profile: String?, timeout: Duration, files: FileAccess,
                         env: EnvAccess) throws(BackendError) -> FlowHost {
        let transport: HTTPTransport
        do { transport = try HTTPTransport(baseURL: url) } catch { throw BackendError("--base-url: \(error.message)") }
        let client = YousignClient(transport: transport, apiKey: APIKey(key), timeout: timeout)
        return FlowHost(backend: BackendDescription(kind: .yousign, location: transport.baseURL, profile: profile),
                        client: client, control: nil, clock: SystemWaitClock(), files: files, env: env)
    }
}

struct BackendError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The embedded emulator, opened on the first request so that runs that never call the API
/// create no state file.
final class LazyEmulator: Sendable {
    private let configuration: EmulatorConfiguration
    private let statePath: String?
    private let lock = NSLock()
    nonisolated(unsafe) private var opened: Result<YousignEmulator, TransportError>?

    init(configuration: EmulatorConfiguration, statePath: String?) {
        self.configuration = configuration
        self.statePath = statePath
    }

    func get() throws(TransportError) -> YousignEmulator {
        let result = lock.withLock { () -> Result<YousignEmulator, TransportError> in
            if let opened { return opened }
            let made: Result<YousignEmulator, TransportError>
            do { made = .success(try YousignEmulator(configuration)) } catch {
                let reason = (error as NSError).domain == NSCocoaErrorDomain ? (error as NSError).localizedDescription : "\(error)"
                made = .failure(TransportError(.notSent, "cannot open the emulator state \(statePath ?? "in memory"): \(reason)"))
            }
            opened = made
            return made
        }
        return try result.get()
    }
}
