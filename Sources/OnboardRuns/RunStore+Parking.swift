import Foundation
import GRDB

/// What wakes a parked run: a time (its next poll, or its timeout), and maybe an event about an
/// object (`yousign.wait_for_event`), whichever comes first.
public struct RunWake: Sendable, Equatable {
    /// Unix seconds, wall clock.
    public var at: Double
    public var event: String?
    public var object: String?

    public init(at: Double, event: String? = nil, object: String? = nil) {
        self.at = at
        self.event = event
        self.object = object
    }
}

/// Parked runs (`onboard worker`): a run that waits gives its process back and is a row with
/// what wakes it; runs started by the worker carry their `origin`, unique, so a trigger or a
/// schedule never starts the same run twice; the ids an event is about, to match waits.
extension RunStore {
    static func migrateWorker(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE run ADD COLUMN wake_at REAL;
            ALTER TABLE run ADD COLUMN wake_event TEXT;
            ALTER TABLE run ADD COLUMN wake_object TEXT;
            ALTER TABLE run ADD COLUMN origin TEXT;
            CREATE UNIQUE INDEX run_by_origin ON run (origin) WHERE origin IS NOT NULL;
            CREATE INDEX run_parked ON run (wake_at) WHERE wake_at IS NOT NULL;
            CREATE TABLE event_object (
              object_id TEXT NOT NULL,
              event_seq INTEGER NOT NULL REFERENCES event (seq) ON DELETE CASCADE,
              PRIMARY KEY (object_id, event_seq)
            ) WITHOUT ROWID;
            -- the last time each schedule of each client fired
            CREATE TABLE schedule (
              client TEXT NOT NULL,
              name TEXT NOT NULL,
              last_due REAL NOT NULL,
              PRIMARY KEY (client, name)
            ) WITHOUT ROWID;
            """)
    }

    /// Parks a run this process holds: `waiting` with what wakes it, no lease (no process holds
    /// it now), the output so far kept. If the event it waits for has arrived already, it is
    /// due at once. False when the run was cancelled meanwhile.
    public func park(_ id: String, wake: RunWake, output: [UInt8] = [], outputBytes: Int? = nil,
                     now: Double = Date().timeIntervalSince1970) throws(RunStoreError) -> Bool {
        try write { db in
            try Self.appendOutput(db, id, output)
            try db.execute(sql: """
                UPDATE run SET status = 'waiting', wake_at = ?, wake_event = ?, wake_object = ?, lease_pid = NULL, lease_host = NULL,
                               heartbeat_at = NULL, updated_at = ?, output_bytes = coalesce(?, output_bytes)
                WHERE id = ? AND status NOT IN ('cancelled', 'done')
                """, arguments: [wake.at, wake.event, wake.object, now, outputBytes, id])
            guard db.changesCount == 1 else { return false }
            if let event = wake.event, let object = wake.object,
               try Self.findEvent(db, client: try String.fetchOne(db, sql: "SELECT client FROM run WHERE id = ?", arguments: [id]),
                                  name: event, object: object) != nil {
                try db.execute(sql: "UPDATE run SET wake_at = ? WHERE id = ?", arguments: [min(now, wake.at), id])
            }
            return true
        }
    }

    /// Takes a parked run to resume it; nil when it is not parked any more (another worker
    /// took it, it was cancelled).
    public func claimParked(_ id: String, now: Double = Date().timeIntervalSince1970) throws(RunStoreError) -> RunRecord? {
        let lease = RunLease.current(now: now)
        return try write { db in
            try db.execute(sql: """
                UPDATE run SET status = 'running', lease_pid = ?, lease_host = ?, heartbeat_at = ?, updated_at = ?, wake_at = NULL,
                               wake_event = NULL, wake_object = NULL, attempts = attempts + 1
                WHERE id = ? AND status = 'waiting' AND wake_at IS NOT NULL
                """, arguments: [lease.pid, lease.host, now, now, id])
            guard db.changesCount == 1, var record = try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]).map(Self.record)
            else { return nil }
            record.output = try Self.output(db, id)
            return record
        }
    }

    /// Parked runs whose time has come, soonest first.
    public func dueParked(now: Double = Date().timeIntervalSince1970, limit: Int = 100) throws(RunStoreError) -> [RunRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run WHERE status = 'waiting' AND wake_at <= ? ORDER BY wake_at LIMIT ?",
                             arguments: [now, limit]).map(Self.record)
        }
    }

    /// When the next parked run is due, if any is parked.
    public func nextWake() throws(RunStoreError) -> Double? {
        try read { db in try Double.fetchOne(db, sql: "SELECT min(wake_at) FROM run WHERE status = 'waiting' AND wake_at IS NOT NULL") }
    }

    /// How many runs are parked.
    public func parkedCount() throws(RunStoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM run WHERE status = 'waiting' AND wake_at IS NOT NULL") ?? 0 }
    }

    /// Makes due now the client's parked runs that wait for this event about one of `objects`;
    /// returns how many.
    @discardableResult
    public func wake(client: String, event: String, objects: [String], now: Double = Date().timeIntervalSince1970) throws(RunStoreError) -> Int {
        guard !objects.isEmpty else { return 0 }
        return try write { db in
            try db.execute(sql: """
                UPDATE run SET wake_at = ? WHERE status = 'waiting' AND wake_at > ? AND client IS ? AND wake_event = ?
                  AND wake_object IN (\(objects.map { _ in "?" }.joined(separator: ", ")))
                """, arguments: StatementArguments(([now, now, client, event] as [(any DatabaseValueConvertible)?]) + objects.map { $0 }))
            return db.changesCount
        }
    }

    /// The first event of this client with this name about `object`, if one arrived.
    public func event(client: String?, name: String, object: String) throws(RunStoreError) -> EventRecord? {
        try read { db in try Self.findEvent(db, client: client, name: name, object: object) }
    }

    static func findEvent(_ db: Database, client: String?, name: String, object: String) throws -> EventRecord? {
        try Row.fetchOne(db, sql: """
            SELECT event.* FROM event_object JOIN event ON event.seq = event_object.event_seq
            WHERE event_object.object_id = ? AND event.name = ? AND event.client IS ? ORDER BY event.seq LIMIT 1
            """, arguments: [object, name, client ?? ""]).map(Self.event)
    }

    /// The last due time a schedule fired at, if it ever did.
    public func lastFired(client: String, schedule: String) throws(RunStoreError) -> Double? {
        try read { db in
            try Double.fetchOne(db, sql: "SELECT last_due FROM schedule WHERE client = ? AND name = ?", arguments: [client, schedule])
        }
    }

    /// Notes that a schedule fired for `due`, unless it already did for that time or later:
    /// true when this call is the one that fires it.
    public func fire(client: String, schedule: String, due: Double) throws(RunStoreError) -> Bool {
        try write { db in
            try db.execute(sql: """
                INSERT INTO schedule (client, name, last_due) VALUES (?, ?, ?)
                ON CONFLICT (client, name) DO UPDATE SET last_due = excluded.last_due WHERE last_due < excluded.last_due
                """, arguments: [client, schedule, due])
            return db.changesCount == 1
        }
    }

    /// The run a trigger or schedule started, by its origin.
    public func run(origin: String) throws(RunStoreError) -> RunRecord? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM run WHERE origin = ?", arguments: [origin]).map(Self.record) }
    }
}

extension RunStore {
    /// How many runs each client has in each status (as stored; a run whose process died is
    /// still counted as it was stored), for the worker's metrics.
    public func runCounts() throws(RunStoreError) -> [(client: String, status: String, count: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT coalesce(client, '') AS client, status, count(*) AS n FROM run GROUP BY 1, 2").map {
                (client: $0["client"], status: $0["status"], count: $0["n"])
            }
        }
    }
}
