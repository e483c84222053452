import Foundation
import GRDB
import JSONCodec

typealias JSONObject = [String: JSONValue]

/// The kinds of stored resource. Every resource is one JSON document (its API body) in the
/// `resource` table, keyed by kind and id, ordered by insertion for cursor pagination.
enum ResourceKind: String {
    case workspace, template = "workflow_template", session = "workflow_session", applicant
    case signatureRequest = "signature_request", document = "sr_document", signer = "sr_signer"
    case field = "sr_field", approver = "sr_approver", follower = "sr_follower"
    case verification, documentAnalysis = "document_analysis", webhook
}

/// Opens the database and owns the schema.
enum Store {
    static func open(_ storage: EmulatorConfiguration.Storage) throws -> any DatabaseWriter {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        let writer: any DatabaseWriter
        switch storage {
        case .memory: writer = try DatabaseQueue(configuration: config)
        case .file(let path):
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            // WAL: a committed request survives kill -9; readers never block the writer.
            writer = try DatabasePool(path: path, configuration: config)
        }
        try migrator.migrate(writer)
        return writer
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE resource (
                  seq INTEGER PRIMARY KEY AUTOINCREMENT,
                  kind TEXT NOT NULL,
                  id TEXT NOT NULL,
                  parent TEXT,
                  body TEXT NOT NULL,
                  UNIQUE (kind, id)
                );
                CREATE INDEX resource_by_parent ON resource (kind, parent, seq);
                CREATE TABLE file (id TEXT PRIMARY KEY, bytes BLOB NOT NULL);
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE delivery (
                  seq INTEGER PRIMARY KEY AUTOINCREMENT,
                  id TEXT NOT NULL UNIQUE,
                  subscription_id TEXT NOT NULL,
                  event_id TEXT NOT NULL,
                  event_name TEXT NOT NULL,
                  endpoint TEXT NOT NULL,
                  body BLOB NOT NULL,
                  attempts INTEGER NOT NULL DEFAULT 0,
                  status TEXT NOT NULL,
                  next_attempt_at REAL,
                  auto_retry INTEGER NOT NULL,
                  log TEXT NOT NULL DEFAULT '[]'
                );
                CREATE TABLE timer (
                  seq INTEGER PRIMARY KEY AUTOINCREMENT,
                  due_at REAL NOT NULL,
                  action TEXT NOT NULL,
                  target TEXT NOT NULL
                );
                """)
        }
        return m
    }
}

/// Resource documents.
extension Database {
    func insertResource(_ kind: ResourceKind, id: String, parent: String? = nil, body: JSONObject) throws {
        try cachedStatement(sql: "INSERT INTO resource (kind, id, parent, body) VALUES (?, ?, ?, ?)")
            .execute(arguments: [kind.rawValue, id, parent, Self.text(body)])
    }

    func resource(_ kind: ResourceKind, _ id: String) throws -> JSONObject? {
        guard let text = try String.fetchOne(try cachedStatement(sql: "SELECT body FROM resource WHERE kind = ? AND id = ?"),
                                             arguments: [kind.rawValue, id]) else { return nil }
        return try Self.object(text)
    }

    /// The resource's parent id (the signature request of a signer, the session of an applicant).
    func resourceParent(_ kind: ResourceKind, _ id: String) throws -> String? {
        try String.fetchOne(self, sql: "SELECT parent FROM resource WHERE kind = ? AND id = ?", arguments: [kind.rawValue, id])
    }

    func saveResource(_ kind: ResourceKind, _ id: String, _ body: JSONObject) throws {
        try cachedStatement(sql: "UPDATE resource SET body = ? WHERE kind = ? AND id = ?").execute(arguments: [Self.text(body), kind.rawValue, id])
    }

    func deleteResource(_ kind: ResourceKind, _ id: String) throws {
        try execute(sql: "DELETE FROM resource WHERE kind = ? AND id = ?", arguments: [kind.rawValue, id])
    }

    func deleteResources(_ kind: ResourceKind, parent: String) throws {
        try execute(sql: "DELETE FROM resource WHERE kind = ? AND parent = ?", arguments: [kind.rawValue, parent])
    }

    /// Every resource of a kind (under a parent), oldest first, with its position for cursors.
    func resources(_ kind: ResourceKind, parent: String? = nil) throws -> [(seq: Int64, body: JSONObject)] {
        let rows: [Row]
        if let parent {
            rows = try Row.fetchAll(try cachedStatement(sql: "SELECT seq, body FROM resource WHERE kind = ? AND parent = ? ORDER BY seq"),
                                    arguments: [kind.rawValue, parent])
        } else {
            rows = try Row.fetchAll(try cachedStatement(sql: "SELECT seq, body FROM resource WHERE kind = ? ORDER BY seq"), arguments: [kind.rawValue])
        }
        return try rows.map { (seq: $0["seq"], body: try Self.object($0["body"])) }
    }

    static func text(_ body: JSONObject) throws -> String {
        String(decoding: try JSONValue.object(body).encoded(), as: UTF8.self)
    }

    static func object(_ text: String) throws -> JSONObject {
        guard case .object(let o) = try JSONValue(parsing: text) else { throw DatabaseError(message: "stored resource is not an object") }
        return o
    }
}

/// Uploaded file bytes and small key-value state.
extension Database {
    func storeFile(_ id: String, _ bytes: [UInt8]) throws {
        try execute(sql: "INSERT OR REPLACE INTO file (id, bytes) VALUES (?, ?)", arguments: [id, Data(bytes)])
    }

    func file(_ id: String) throws -> [UInt8]? {
        try Data.fetchOne(self, sql: "SELECT bytes FROM file WHERE id = ?", arguments: [id]).map { [UInt8]($0) }
    }

    func meta(_ key: String) throws -> String? {
        try String.fetchOne(try cachedStatement(sql: "SELECT value FROM meta WHERE key = ?"), arguments: [key])
    }

    func setMeta(_ key: String, _ value: String) throws {
        try execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
    }

    /// Seconds the emulator clock runs ahead of its base clock.
    func clockOffset() throws -> TimeInterval { try meta("clock_offset").flatMap(Double.init) ?? 0 }
}
