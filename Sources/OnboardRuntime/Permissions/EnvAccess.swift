/// The environment variables `env.get` may return: none unless granted with
/// `--allow-env=NAME[,PREFIX_*]`. The variable that holds the run's API key is never given,
/// even when granted.
public struct EnvAccess: Sendable {
    public let grants: [String]
    let environment: [String: String]
    /// Names that are never given (the API key's variable).
    let secret: Set<String>
    let audit: AuditLog?

    public struct Denied: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public init(grants: [String] = [], environment: [String: String] = [:], secret: Set<String> = [], audit: AuditLog? = nil) {
        self.grants = grants
        self.environment = environment
        self.secret = secret
        self.audit = audit
    }

    /// The grant that covers `name`: itself, or a `PREFIX_*` pattern.
    func grant(for name: String) -> String? {
        grants.first { $0 == name || ($0.hasSuffix("*") && name.hasPrefix(String($0.dropLast()))) }
    }

    /// The variable's value (nil when it is not set), if granted.
    public func get(_ name: String) throws(Denied) -> String? {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw Denied(description: "env.get: '\(name.prefix(60))' is not a variable name")
        }
        if secret.contains(name) {
            audit?.record(permission: "env", target: name, allowed: false, grant: nil)
            throw Denied(description: "env.get: \(name) holds the API key, which is never given to scripts")
        }
        guard let grant = grant(for: name) else {
            audit?.record(permission: "env", target: name, allowed: false, grant: nil)
            throw Denied(description: "env.get: \(name) is not granted; allow it with --allow-env=\(name)")
        }
        audit?.record(permission: "env", target: name, allowed: true, grant: "--allow-env=\(grant)")
        return environment[name]
    }
}
