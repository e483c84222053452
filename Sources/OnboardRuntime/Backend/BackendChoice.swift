/// Which backend a run talks to, and with which key variable and grants: the precedence of
/// flags, environment and `onboard.toml`, as a value that can be tested without a process.
///
/// 1. `--base-url`, `--emulator`, `--state`/`--ephemeral` choose the backend; then the default
///    profile (`profile = "..."`) does not apply, but `--profile` or `$ONBOARD_PROFILE` still
///    gives its key variable and grants.
/// 2. Otherwise `$YOUSIGN_BASE_URL` chooses Yousign.
/// 3. Otherwise the profile (named, or the file's default) chooses.
/// 4. Otherwise the embedded emulator in `.onboard/emulator.sqlite`.
public struct BackendChoice: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        case embedded(EmulatorState)
        /// An `onboard serve`, with the key it accepts (the fixtures' key unless one is set).
        case served(url: String)
        case yousign(url: String)
    }

    public var target: Target
    /// The profile in use, if any; `describedProfile` is the one that chose the backend.
    public var profile: OnboardConfig.Profile?
    /// The client in use (`--client`), whose profile is `profile`.
    public var client: OnboardConfig.Client?
    /// The profile to name in `.backend` and messages: only one whose backend is used.
    public var describedProfile: String?
    /// The variable holding the API key.
    public var keyVariable: String
    /// Every variable that holds a key of some profile: kept out of `env.get` whatever is granted.
    public var secretVariables: Set<String>
    /// Said on standard error before the run (a broken onboard.toml that was not needed, a
    /// profile whose backend a flag replaced).
    public var warnings: [String] = []

    public static let defaultKeyVariable = "YOUSIGN_API_KEY"

    /// Resolves the choice. `load` reads the configuration (a parameter so tests need no file).
    public static func resolve(
        _ flags: BackendFlags, environment: [String: String],
        load: (_ path: String, _ required: Bool) throws(OnboardConfig.Failure) -> OnboardConfig = { p, r throws(OnboardConfig.Failure) in try OnboardConfig.load(path: p, required: r) }
    ) throws(BackendError) -> BackendChoice {
        if let conflict = flags.conflict() { throw BackendError(conflict) }
        func nonEmpty(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let configPath = flags.config ?? "onboard.toml"
        let explicitProfile = flags.client != nil ? nil : flags.profile ?? nonEmpty("ONBOARD_PROFILE")
        let environmentURL = nonEmpty("YOUSIGN_BASE_URL")
        let backendGiven = flags.choosesBackend || environmentURL != nil
        var warnings: [String] = []
        let loaded: OnboardConfig
        do { loaded = try load(configPath, flags.config != nil || flags.client != nil) } catch {
            // a broken default onboard.toml only matters to runs that use a profile
            if let client = flags.client {
                throw BackendError("--client \(client): \(error.description) (clients are [clients.NAME] tables of \(configPath), or of the file --config names)")
            }
            guard flags.config == nil, explicitProfile == nil, backendGiven else { throw BackendError(error.description) }
            warnings.append("\(error.description) (ignored: this run uses no profile)")
            loaded = OnboardConfig()
        }
        let profileName = explicitProfile ?? (backendGiven ? nil : loaded.defaultProfile)
        var chosen: OnboardConfig.Profile?
        var client: OnboardConfig.Client?
        if let name = flags.client {
            guard let c = loaded.clients[name] else {
                let known = loaded.clients.keys.sorted()
                throw BackendError("no client '\(name)' in \(configPath)" + (known.isEmpty ? " (it has no [clients.NAME] table)" : " (clients: \(known.joined(separator: ", ")))"))
            }
            do { try c.check(environment: environment) } catch { throw BackendError(error.description) }
            (client, chosen) = (c, c.profile)
        } else if let profileName {
            guard let p = loaded.profiles[profileName] else {
                let known = loaded.profiles.keys.sorted()
                throw BackendError("no profile '\(profileName)' in \(configPath)" + (known.isEmpty ? "" : " (profiles: \(known.joined(separator: ", ")))"))
            }
            chosen = p
        }
        let keyVariable = chosen?.apiKeyEnv ?? defaultKeyVariable
        // every key and webhook secret of the file, whichever a run uses: a client's flow never
        // reads another's
        let secrets = Set([defaultKeyVariable, keyVariable] + loaded.profiles.values.compactMap(\.apiKeyEnv)
                          + loaded.clients.values.flatMap { [$0.profile.apiKeyEnv, $0.webhookSecretEnv].compactMap { $0 } })

        let target: Target
        var fromProfile = false
        if flags.ephemeral || flags.state != nil {
            target = .embedded(EmulatorState(state: flags.state, ephemeral: flags.ephemeral))
        } else if let url = flags.emulator {
            target = .served(url: url)
        } else if let url = flags.baseURL ?? environmentURL {
            target = .yousign(url: url)
        } else if let p = chosen, let url = p.emulatorURL {
            (target, fromProfile) = (.served(url: url), true)
        } else if let p = chosen, let url = p.baseURL {
            (target, fromProfile) = (.yousign(url: url), true)
        } else if let p = chosen, p.ephemeral || p.state != nil {
            (target, fromProfile) = (.embedded(EmulatorState(state: p.state, ephemeral: p.ephemeral)), true)
        } else {
            target = .embedded(EmulatorState(state: nil, ephemeral: false))
        }
        if let chosen, !fromProfile, chosen.emulatorURL != nil || chosen.baseURL != nil || chosen.state != nil || chosen.ephemeral {
            warnings.append("\(client == nil ? "profile" : "client") '\(chosen.name)' names a backend that the command line replaced; only its key variable and grants apply")
        }
        let described = fromProfile ? chosen.map { client == nil ? $0.name : "client \($0.name)" } : nil
        var choice = BackendChoice(target: target, profile: chosen, describedProfile: described,
                                   keyVariable: keyVariable, secretVariables: secrets, warnings: warnings)
        choice.client = client
        return choice
    }

    /// The key from the environment, if set and not empty.
    public func key(in environment: [String: String]) -> String? {
        environment[keyVariable].flatMap { $0.isEmpty ? nil : $0 }
    }
}
