import Foundation
import GRDB

/// A webhook event received for a client, as stored before it is acknowledged.
public struct EventRecord: Sendable, Equatable {
    /// The order of arrival, across clients.
    public var seq: Int64
    public var client: String
    public var eventID: String
    public var name: String
    /// The raw body, as signed.
    public var body: [UInt8]
    public var receivedAt: Double
    public var processedAt: Double?
}

/// Webhook events, durable before they are answered: one row per (client, event_id), so that a
/// delivery Yousign repeats is recognised and never processed twice.
extension RunStore {
    static func migrateEvents(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE event (
              seq INTEGER PRIMARY KEY AUTOINCREMENT,
              client TEXT NOT NULL,
              event_id TEXT NOT NULL,
              name TEXT NOT NULL,
              body BLOB NOT NULL,
              received_at REAL NOT NULL,
              processed_at REAL,
              UNIQUE (client, event_id)
            );
            CREATE INDEX event_pending ON event (processed_at, seq);
            """)
    }

    /// Stores the event unless this client's `eventID` is stored already: true when it is new.
    /// `objects` are the ids it is about (`data.signature_request.id`, `data.signer.id`...), which
    /// `yousign.wait_for_event` matches.
    public func storeEvent(client: String, eventID: String, name: String, body: [UInt8], objects: [String] = [],
                           now: Double = Date().timeIntervalSince1970) throws(RunStoreError) -> Bool {
        try write { db in
            try db.execute(sql: """
                INSERT INTO event (client, event_id, name, body, received_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (client, event_id) DO NOTHING
                """, arguments: [client, eventID, name, Data(body), now])
            guard db.changesCount == 1 else { return false }
            let seq = db.lastInsertedRowID
            for object in Set(objects) {
                try db.execute(sql: "INSERT INTO event_object (object_id, event_seq) VALUES (?, ?)", arguments: [object, seq])
            }
            return true
        }
    }

    /// How many events wait to be processed.
    public func pendingEventCount() throws(RunStoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE processed_at IS NULL") ?? 0 }
    }

    /// The ids an event is about.
    public func objects(ofEvent seq: Int64) throws(RunStoreError) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT object_id FROM event_object WHERE event_seq = ? ORDER BY object_id", arguments: [seq])
        }
    }

    /// Events not processed yet, oldest first.
    public func pendingEvents(limit: Int = 100) throws(RunStoreError) -> [EventRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM event WHERE processed_at IS NULL ORDER BY seq LIMIT ?", arguments: [limit])
                .map(Self.event)
        }
    }

    /// Marks an event processed; false when it was already (another worker took it).
    public func markProcessed(_ seq: Int64, now: Double = Date().timeIntervalSince1970) throws(RunStoreError) -> Bool {
        try write { db in
            try db.execute(sql: "UPDATE event SET processed_at = ? WHERE seq = ? AND processed_at IS NULL", arguments: [now, seq])
            return db.changesCount == 1
        }
    }

    /// Every event of a client, oldest first.
    public func events(client: String) throws(RunStoreError) -> [EventRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM event WHERE client = ? ORDER BY seq", arguments: [client]).map(Self.event)
        }
    }

    static func event(_ row: Row) -> EventRecord {
        EventRecord(seq: row["seq"], client: row["client"], eventID: row["event_id"], name: row["name"],
                    body: [UInt8]((row["body"] as Data?) ?? Data()), receivedAt: row["received_at"], processedAt: row["processed_at"])
    }
}
