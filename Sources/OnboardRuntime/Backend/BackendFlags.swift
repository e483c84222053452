/// What a command line says about the backend (`run` and `repl` share it; `serve` shares the
/// state rule): the flags as given, before the precedence rules of `BackendChoice` apply.
public struct BackendFlags: Sendable, Equatable {
    public var profile: String?
    /// `--client NAME`: a `[clients.NAME]` of onboard.toml, used as a profile is, with its
    /// limits.
    public var client: String?
    public var baseURL: String?
    public var emulator: String?
    public var state: String?
    public var ephemeral: Bool
    /// `--config`; nil means `onboard.toml` in the current folder, which may be missing.
    public var config: String?

    public init(profile: String? = nil, baseURL: String? = nil, emulator: String? = nil, state: String? = nil,
                ephemeral: Bool = false, config: String? = nil, client: String? = nil) {
        self.profile = profile
        self.client = client
        self.baseURL = baseURL
        self.emulator = emulator
        self.state = state
        self.ephemeral = ephemeral
        self.config = config
    }

    /// Whether a flag chose the backend (then a default profile does not apply).
    var choosesBackend: Bool { baseURL != nil || emulator != nil || state != nil || ephemeral }

    /// At most one backend: the usage error a command reports before anything runs.
    public func conflict() -> String? {
        let chosen = [baseURL != nil, emulator != nil, state != nil || ephemeral].filter { $0 }.count
        if chosen > 1 { return "choose one backend: --base-url, --emulator, or --state/--ephemeral" }
        if client != nil && profile != nil { return "--client and --profile exclude each other (a client holds its own backend, key variable and grants)" }
        return EmulatorState.conflict(state: state, ephemeral: ephemeral)
    }
}

/// Where the embedded emulator keeps its state: `--state FILE`, `--ephemeral` (memory), or the
/// default file. One rule for `run`, `repl` and `serve`.
public enum EmulatorState: Sendable, Equatable {
    case memory
    case file(String)

    public static let defaultPath = ".onboard/emulator.sqlite"

    public init(state: String?, ephemeral: Bool) {
        self = ephemeral ? .memory : .file(state ?? Self.defaultPath)
    }

    public static func conflict(state: String?, ephemeral: Bool) -> String? {
        state != nil && ephemeral ? "--state and --ephemeral exclude each other" : nil
    }

    /// The file, or nil in memory.
    public var path: String? {
        if case .file(let path) = self { return path }
        return nil
    }

    /// For messages and `.backend`.
    public var location: String { path ?? "in memory" }
}

public struct BackendError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
