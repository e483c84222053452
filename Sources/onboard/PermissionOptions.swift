import ArgumentParser
import Foundation
import OnboardRuntime

/// Deno-style permissions: a flow reads, writes and sees nothing unless granted. The only
/// network is the configured API.
struct PermissionOptions: ParsableArguments {
    @Option(name: .customLong("allow-read"),
            help: ArgumentHelp("Let the flow read (upload) files under PATH (comma-separated, repeatable; . is the current folder).",
                               valueName: "path[,path]"))
    var allowRead: [String] = []

    @Option(name: .customLong("allow-write"),
            help: ArgumentHelp("Let the flow write (download) files under PATH.", valueName: "path[,path]"))
    var allowWrite: [String] = []

    @Option(name: .customLong("allow-env"),
            help: ArgumentHelp("Let env.get read these variables (NAME or PREFIX_*).", valueName: "name[,PREFIX_*]"))
    var allowEnv: [String] = []

    @Option(help: ArgumentHelp("Append one JSON line per permission use (granted or denied) to FILE.", valueName: "file"))
    var audit: String?

    static func split(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    }

    func validate() throws {
        for name in Self.split(allowEnv) {
            let body = name.hasSuffix("*") ? String(name.dropLast()) : name
            guard !body.isEmpty, body.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ValidationError("--allow-env: '\(name)' is not a variable name or PREFIX_* pattern")
            }
        }
    }

    /// The grants of the flags and of the profile, with the audit log.
    func access(profile: OnboardConfig.Profile?, secretVariables: Set<String>,
                environment: [String: String]) throws(BackendError) -> (FileAccess, EnvAccess) {
        var log: AuditLog?
        if let audit {
            do { log = try AuditLog(path: audit) } catch { throw BackendError(error.description) }
        }
        let read = (profile?.permissions.read ?? []) + Self.split(allowRead)
        let write = (profile?.permissions.write ?? []) + Self.split(allowWrite)
        let env = (profile?.permissions.env ?? []) + Self.split(allowEnv)
        let files: FileAccess
        do { files = try FileAccess(read: read, write: write, audit: log) } catch { throw BackendError(error.description) }
        for warning in files.grantWarnings { Diagnostics.warning(warning) }
        return (files, EnvAccess(grants: env, environment: environment, secret: secretVariables, audit: log))
    }
}
