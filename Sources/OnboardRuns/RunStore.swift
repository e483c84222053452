import Foundation
import GRDB

/// Runs and their journals, in SQLite (GRDB): `.onboard/runs.sqlite` by default, or in memory.
/// Every write is its own transaction in WAL mode, so what returned is on disk for any later
/// process even if this one is killed the next instant (synchronous=NORMAL: a power cut can
/// lose the last transactions, a killed process cannot).
///
/// ```swift
/// let store = try RunStore.open(path: ".onboard/runs.sqlite")
/// let run = try store.create(NewRun(flow: "flow.lua", flowHash: h, arguments: [], command: [], folder: cwd, backend: "…"))
/// try store.append(JournalEntry(step: 1, kind: .now, key: "now", resultKind: "value", result: bytes, at: t), to: run.id)
/// ```
public final class RunStore: Sendable {
    /// The file, or `in memory`.
    public let location: String
    let writer: any DatabaseWriter
    /// The most output kept per run.
    public static let outputCap = 64 * 1024

    init(writer: any DatabaseWriter, location: String) {
        self.writer = writer
        self.location = location
    }

    /// Opens (creating it and its folder) the store at `path`, or one in memory for nil. A file
    /// that is not a database, is locked or was written by a newer onboard is refused, untouched.
    public static func open(path: String?) throws(RunStoreError) -> RunStore {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(5)
        guard let path else {
            do {
                let queue = try DatabaseQueue(configuration: config)
                try migrator.migrate(queue)
                return RunStore(writer: queue, location: "in memory")
            } catch { throw RunStoreError.from(error, location: "in memory") }
        }
        let dir = (path as NSString).deletingLastPathComponent
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw RunStoreError(.io, "the run store \(path) is a folder; give a file with --runs FILE")
        }
        do {
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        } catch {
            throw RunStoreError(.io, "cannot make the folder of the run store \(path): \(error.localizedDescription)")
        }
        do {
            config.prepareDatabase { db in
                // checked before anything writes: a file that is not SQLite fails here
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            let pool = try DatabasePool(path: path, configuration: config)
            try pool.read { db throws in
                if try migrator.hasBeenSuperseded(db) {
                    throw RunStoreError(.newerVersion, "the run store \(path) was written by a newer onboard (it has changes this one does not know); it was left as it is: use that onboard, or give another store with --runs FILE")
                }
            }
            try migrator.migrate(pool)
            return RunStore(writer: pool, location: path)
        } catch { throw RunStoreError.from(error, location: path) }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE run (
                  id TEXT PRIMARY KEY,
                  flow TEXT NOT NULL,
                  flow_hash TEXT NOT NULL,
                  script BLOB,
                  arguments TEXT NOT NULL,
                  command TEXT NOT NULL,
                  folder TEXT NOT NULL,
                  backend TEXT NOT NULL,
                  status TEXT NOT NULL,
                  lease_pid INTEGER,
                  lease_host TEXT,
                  heartbeat_at REAL,
                  started_at REAL NOT NULL,
                  updated_at REAL NOT NULL,
                  ended_at REAL,
                  exit_code INTEGER,
                  error TEXT,
                  output_bytes INTEGER NOT NULL DEFAULT 0,
                  steps INTEGER NOT NULL DEFAULT 0,
                  attempts INTEGER NOT NULL DEFAULT 1
                );
                CREATE INDEX run_by_status ON run (status, updated_at);
                CREATE TABLE entry (
                  run_id TEXT NOT NULL REFERENCES run (id) ON DELETE CASCADE,
                  step INTEGER NOT NULL,
                  kind TEXT NOT NULL,
                  key TEXT NOT NULL,
                  digest TEXT,
                  detail TEXT,
                  state TEXT NOT NULL,
                  result_kind TEXT,
                  result BLOB,
                  output_at INTEGER NOT NULL,
                  at REAL NOT NULL,
                  PRIMARY KEY (run_id, step)
                ) WITHOUT ROWID;
                -- what the script printed, in the chunks it came in (appended, never rewritten)
                CREATE TABLE output (
                  run_id TEXT NOT NULL REFERENCES run (id) ON DELETE CASCADE,
                  seq INTEGER NOT NULL,
                  bytes BLOB NOT NULL,
                  PRIMARY KEY (run_id, seq)
                ) WITHOUT ROWID;
                -- the resources runs created, kept when a run is pruned: reconciling a lost
                -- response never adopts another run's resource
                CREATE TABLE claim (
                  resource_id TEXT PRIMARY KEY,
                  run_id TEXT NOT NULL,
                  step INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v2-batches", migrate: migrateBatches)
        m.registerMigration("v2-rate", migrate: migrateRate)
        m.registerMigration("v3-events", migrate: migrateEvents)
        m.registerMigration("v4-worker", migrate: migrateWorker)
        return m
    }

    func write<T>(_ body: (Database) throws -> T) throws(RunStoreError) -> T {
        do { return try writer.write(body) } catch { throw RunStoreError.from(error, location: location) }
    }

    func read<T>(_ body: (Database) throws -> T) throws(RunStoreError) -> T {
        do { return try writer.read(body) } catch { throw RunStoreError.from(error, location: location) }
    }
}
