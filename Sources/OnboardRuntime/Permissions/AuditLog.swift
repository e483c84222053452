import Foundation
import JSONCodec

/// `--audit FILE`: one JSON line per use of a permission, granted or denied:
/// `{"allowed":true,"at":"2026-11-29T12:00:00Z","grant":"--allow-read=examples/files","permission":"read","target":"examples/files/contract.pdf"}`.
/// Targets are as the script named them; values of environment variables are never written.
public final class AuditLog: @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Appends to `path`, creating it (mode 0600) when missing.
    public init(path: String) throws(Failure) {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw Failure(description: "--audit: cannot create '\(path)'")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw Failure(description: "--audit: cannot open '\(path)' for writing") }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    func record(permission: String, target: String, allowed: Bool, grant: String?) {
        var line: [String: JSONValue] = [
            "at": .string(ISO8601DateFormatter().string(from: Date())), "permission": .string(permission),
            "target": .string(target), "allowed": .bool(allowed),
        ]
        if let grant { line["grant"] = .string(grant) }
        guard let bytes = try? JSONValue.object(line).encoded() else { return }
        lock.withLock { handle.write(Data(bytes + [0x0A])) }
    }
}
