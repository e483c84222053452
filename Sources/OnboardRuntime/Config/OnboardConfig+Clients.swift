import Foundation
import YousignWire

/// `[clients.NAME]`: a client organisation onboard runs flows for, with its own backend, key
/// variable, grants and limits. `--client NAME` on `run`, `repl`, `batch` and `runs`.
///
/// ```toml
/// [clients.acme]
/// base_url = "https://api-sandbox.yousign.app/v3"
/// api_key_env = "ACME_YOUSIGN_KEY"      # the variable's name, never the key
/// allow_read = ["acme/files"]           # relative to this file
/// allow_env = ["ACME_*"]
/// concurrency = 8                       # rows at once in `onboard batch`
/// rate_limit = "10/s,300/min"           # instead of the documented limits
/// webhook_secret_env = "ACME_WEBHOOK_SECRET"
/// ```
extension OnboardConfig {
    public struct Client: Sendable, Equatable {
        public var name: String
        /// The backend, key variable and grants (paths made absolute from the config's folder),
        /// as a profile holds them.
        public var profile: Profile
        public var concurrency: Int?
        public var rateLimit: RateLimits?
        public var webhookSecretEnv: String?
        /// `[[clients.NAME.on]]` and `[[clients.NAME.every]]` (OnboardConfig+Automations.swift).
        public var triggers: [Trigger] = []
        public var schedules: [Schedule] = []
        /// Where the client and each of its keys are, for messages: `onboard.toml:12`.
        public var lines: [String: Int]
        public var path: String

        /// `onboard.toml:12` for the key (or the table header).
        public func location(_ key: String? = nil) -> String {
            let line = key.flatMap { lines[$0] } ?? lines[""] ?? 0
            return line > 0 ? "\(path):\(line)" : path
        }

        /// What the client needs from the environment, checked before anything runs: its key
        /// variable must be set.
        public func check(environment: [String: String]) throws(Failure) {
            if let variable = profile.apiKeyEnv, (environment[variable] ?? "").isEmpty {
                throw Failure(description: "\(location("api_key_env")): client '\(name)': api_key_env names \(variable), which is not set; export \(variable) with the client's Yousign API key")
            }
        }
    }

    static let clientKeys: Set<String> = [
        "base_url", "emulator", "state", "ephemeral", "api_key_env", "allow_read", "allow_write", "allow_env",
        "concurrency", "rate_limit", "webhook_secret_env", "description", "on", "every",
    ]

    static func client(_ name: String, _ fields: [String: TOMLSubset.Value], lines all: [String: Int], path: String) throws(Failure) -> Client {
        let prefix = "clients.\(name)"
        var lines: [String: Int] = ["": all[prefix] ?? 0]
        for key in fields.keys { lines[key] = all["\(prefix).\(key)"] }
        let folder = (path as NSString).deletingLastPathComponent
        func at(_ key: String) -> String { (lines[key] ?? lines[""]).map { $0 > 0 ? "\(path):\($0)" : path } ?? path }
        func fail(_ key: String, _ message: String) -> Failure { Failure(description: "\(at(key)): clients.\(name).\(key) \(message)") }
        func relative(_ p: String) -> String { p.hasPrefix("/") || folder.isEmpty ? p : folder + "/" + p }

        var client = Client(name: name, profile: Profile(name: name, ephemeral: false), lines: lines, path: path)
        for key in fields.keys.sorted() {
            let value = fields[key]!
            guard clientKeys.contains(key) else {
                throw Failure(description: "\(at(key)): clients.\(name): unknown key '\(key)' (known: \(clientKeys.sorted().joined(separator: ", ")))")
            }
            switch (key, value) {
            case ("on", .array(let items)): client.triggers = try triggers(items, client: name, lines: all, path: path)
            case ("every", .array(let items)): client.schedules = try schedules(items, client: name, lines: all, path: path)
            case ("on", _), ("every", _): throw fail(key, "must be written as [[clients.\(name).\(key)]] tables")
            case ("ephemeral", .bool(let b)): client.profile.ephemeral = b
            case ("ephemeral", _): throw fail(key, "must be true or false")
            case ("concurrency", .integer(let n)):
                guard (1...256).contains(n) else { throw fail(key, "must be between 1 and 256, not \(n)") }
                client.concurrency = Int(n)
            case ("concurrency", _): throw fail(key, "must be a whole number, like 8")
            case ("allow_read", .array(let items)), ("allow_write", .array(let items)), ("allow_env", .array(let items)):
                var strings: [String] = []
                for item in items {
                    guard case .string(let s) = item, !s.isEmpty else { throw fail(key, "must list non-empty strings") }
                    strings.append(s)
                }
                switch key {
                case "allow_read":
                    client.profile.permissions.read = try strings.map { s throws(Failure) in
                        let full = relative(s)
                        guard FileManager.default.fileExists(atPath: full) else {
                            throw fail(key, "grants '\(s)', which does not exist (paths are relative to \(path))")
                        }
                        return full
                    }
                case "allow_write":
                    client.profile.permissions.write = try strings.map { s throws(Failure) in
                        let full = relative(s)
                        let parent = (full as NSString).deletingLastPathComponent
                        guard FileManager.default.fileExists(atPath: full) || FileManager.default.fileExists(atPath: parent.isEmpty ? "." : parent) else {
                            throw fail(key, "grants '\(s)', whose folder does not exist (paths are relative to \(path))")
                        }
                        return full
                    }
                default:
                    for s in strings {
                        let body = s.hasSuffix("*") ? String(s.dropLast()) : s
                        guard !body.isEmpty, body.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                            throw fail(key, "has '\(s)', which is not a variable name or PREFIX_* pattern")
                        }
                    }
                    client.profile.permissions.env = strings
                }
            case ("allow_read", _), ("allow_write", _), ("allow_env", _): throw fail(key, "must be a list of strings, like [\"files\"]")
            case (_, .string(let s)):
                switch key {
                case "base_url": client.profile.baseURL = s
                case "emulator": client.profile.emulatorURL = s
                case "state": client.profile.state = relative(s)
                case "api_key_env", "webhook_secret_env":
                    guard !s.isEmpty, s.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                        throw fail(key, "must name an environment variable (like ACME_YOUSIGN_KEY), not hold a secret")
                    }
                    if key == "api_key_env" { client.profile.apiKeyEnv = s } else { client.webhookSecretEnv = s }
                case "rate_limit":
                    switch RateLimits.parse(s) {
                    case .success(let limits): client.rateLimit = limits
                    case .failure(let error): throw fail(key, "is not a rate limit: \(error)")
                    }
                default: break  // description
                }
            case (_, _): throw fail(key, "must be a string")
            }
        }
        let p = client.profile
        let backends = [p.baseURL != nil, p.emulatorURL != nil, p.state != nil || p.ephemeral].filter { $0 }.count
        guard backends <= 1 else {
            throw Failure(description: "\(at("")): clients.\(name) names more than one backend (choose one of base_url, emulator, state/ephemeral)")
        }
        return client
    }
}
