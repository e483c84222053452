import Foundation
import Logging

/// The worker's log on standard output, as a service manager collects it (systemd's journal,
/// Docker): `text` is swift-log's `StreamLogHandler` lines, `json` one JSON object a line
/// (`ts`, `level`, `msg` and the metadata), which log shippers read without a pattern. swift-log
/// ships no JSON handler; this one is thirty lines.
public enum WorkerLog {
    public enum Format: String, Sendable, CaseIterable { case text, json }

    public static func make(_ format: Format, level: Logger.Level = .info) -> Logger {
        var logger = switch format {
        case .text: Logger(label: "onboard.worker") { StreamLogHandler.standardOutput(label: $0) }
        case .json: Logger(label: "onboard.worker") { JSONLogHandler(label: $0) }
        }
        logger.logLevel = level
        return logger
    }
}

struct JSONLogHandler: LogHandler {
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    private static let lock = NSLock()

    init(label: String) { self.label = label }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: Any] = [
            "ts": Date().formatted(.iso8601.time(includingFractionalSeconds: true).dateSeparator(.dash).year().month().day()),
            "level": event.level.rawValue, "msg": event.message.description, "logger": label,
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { object[key] = value.description }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        Self.lock.withLock { FileHandle.standardOutput.write(data + Data([0x0A])) }
    }
}
