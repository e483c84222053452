import Foundation

/// `onboard.toml`: named profiles, each naming a backend and the environment variable that
/// holds its API key, so keys never sit on a command line or in a file of ours.
///
/// ```toml
/// profile = "acme-sandbox"            # the profile used when --profile is not given
///
/// [profiles.acme-sandbox]
/// base_url = "https://api-sandbox.yousign.app/v3"
/// api_key_env = "ACME_YOUSIGN_KEY"
///
/// [profiles.local]
/// emulator = "http://127.0.0.1:8080"  # an `onboard serve`
///
/// [profiles.demo]
/// state = ".onboard/demo.sqlite"       # the embedded emulator, in its own file
/// ```
public struct OnboardConfig: Sendable, Equatable {
    /// Grants a profile gives every run that uses it (`[profiles.NAME.permissions]`).
    public struct Permissions: Sendable, Equatable {
        public var read: [String] = []
        public var write: [String] = []
        public var env: [String] = []
    }

    public struct Profile: Sendable, Equatable {
        public var name: String
        public var permissions = Permissions()
        public var baseURL: String?
        public var emulatorURL: String?
        public var apiKeyEnv: String?
        public var state: String?
        public var ephemeral: Bool
    }

    public var defaultProfile: String?
    public var profiles: [String: Profile]
    /// `[clients.NAME]` (OnboardConfig+Clients.swift).
    public var clients: [String: Client] = [:]
    /// The file it came from, as given (for messages).
    public var path: String?

    public init(defaultProfile: String? = nil, profiles: [String: Profile] = [:], path: String? = nil) {
        self.defaultProfile = defaultProfile
        self.profiles = profiles
        self.path = path
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    static let profileKeys: Set<String> = ["base_url", "emulator", "api_key_env", "state", "ephemeral", "description", "permissions"]
    static let permissionKeys: Set<String> = ["read", "write", "env"]

    /// Reads `path`; a missing file is an empty configuration unless `required`.
    public static func load(path: String, required: Bool = false) throws(Failure) -> OnboardConfig {
        guard FileManager.default.fileExists(atPath: path) else {
            if required { throw Failure(description: "\(path): no such file") }
            return OnboardConfig(path: nil)
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Failure(description: "\(path): cannot read it as UTF-8 text")
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws(Failure) -> OnboardConfig {
        let root: [String: TOMLSubset.Value]
        var lines: [String: Int] = [:]
        do { root = try TOMLSubset.parse(text, lines: &lines) } catch { throw Failure(description: "\(path):\(error.line): \(error.message)") }
        var config = OnboardConfig(path: path)
        for (key, value) in root {
            switch (key, value) {
            case ("profile", .string(let name)): config.defaultProfile = name
            case ("profiles", .table(let profiles)):
                for (name, body) in profiles {
                    guard case .table(let fields) = body else {
                        throw Failure(description: "\(path): profiles.\(name) must be a table ([profiles.\(name)])")
                    }
                    config.profiles[name] = try profile(name, fields, path, lines: lines)
                }
            case ("clients", .table(let clients)):
                for (name, body) in clients {
                    guard case .table(let fields) = body else {
                        throw Failure(description: "\(path):\(lines["clients.\(name)"] ?? 0): clients.\(name) must be a table ([clients.\(name)])")
                    }
                    config.clients[name] = try client(name, fields, lines: lines, path: path)
                }
            case ("profiles", _), ("clients", _):
                let at = lines[key].map { "\(path):\($0)" } ?? path
                throw Failure(description: "\(at): \(key) must be [\(key).NAME] tables, not [[\(key)]] or a value")
            default:
                let at = lines[key].map { "\(path):\($0)" } ?? path
                throw Failure(description: "\(at): unknown setting '\(key)' (expected profile = \"name\", [profiles.NAME] and [clients.NAME] tables)")
            }
        }
        if let name = config.defaultProfile, config.profiles[name] == nil {
            throw Failure(description: "\(path):\(lines["profile"] ?? 1): profile = \"\(name)\" names no [profiles.\(name)] table")
        }
        return config
    }

    private static func profile(_ name: String, _ fields: [String: TOMLSubset.Value], _ file: String, lines: [String: Int]) throws(Failure) -> Profile {
        var p = Profile(name: name, ephemeral: false)
        // `onboard.toml:7` for a key of the profile, `onboard.toml:5` for its header
        func path(_ key: String? = nil) -> String {
            let line = key.flatMap { lines["profiles.\(name).\($0)"] } ?? lines["profiles.\(name)"]
            return line.map { "\(file):\($0)" } ?? file
        }
        for (key, value) in fields {
            guard profileKeys.contains(key) else {
                throw Failure(description: "\(path(key)): profiles.\(name): unknown key '\(key)' (known: \(profileKeys.sorted().joined(separator: ", ")))")
            }
            if key == "permissions" {
                guard case .table(let grants) = value else {
                    throw Failure(description: "\(path(key)): profiles.\(name).permissions must be a table ([profiles.\(name).permissions])")
                }
                for (kind, list) in grants {
                    guard permissionKeys.contains(kind), case .array(let items) = list else {
                        throw Failure(description: "\(path(key)): profiles.\(name).permissions: expected read, write or env = [\"...\"], got '\(kind)'")
                    }
                    var strings: [String] = []
                    for item in items {
                        guard case .string(let s) = item else {
                            throw Failure(description: "\(path(key)): profiles.\(name).permissions.\(kind) must list strings")
                        }
                        strings.append(s)
                    }
                    switch kind {
                    case "read": p.permissions.read = strings
                    case "write": p.permissions.write = strings
                    default: p.permissions.env = strings
                    }
                }
                continue
            }
            if key == "ephemeral" {
                guard case .bool(let b) = value else { throw Failure(description: "\(path(key)): profiles.\(name).ephemeral must be true or false") }
                p.ephemeral = b
                continue
            }
            guard case .string(let s) = value else { throw Failure(description: "\(path(key)): profiles.\(name).\(key) must be a string") }
            switch key {
            case "base_url": p.baseURL = s
            case "emulator": p.emulatorURL = s
            case "api_key_env":
                guard !s.isEmpty, s.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                    throw Failure(description: "\(path(key)): profiles.\(name).api_key_env must name an environment variable (like ACME_YOUSIGN_KEY), not hold a key")
                }
                p.apiKeyEnv = s
            case "state": p.state = s
            default: break
            }
        }
        let backends = [p.baseURL != nil, p.emulatorURL != nil, p.state != nil || p.ephemeral].filter { $0 }.count
        guard backends <= 1 else {
            throw Failure(description: "\(path()): profiles.\(name) names more than one backend (choose one of base_url, emulator, state/ephemeral)")
        }
        return p
    }
}
