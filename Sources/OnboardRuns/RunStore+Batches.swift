import Foundation
import GRDB

/// Batches: one record per batch, its rows as runs (`run.batch_id`, `run.row_index`).
extension RunStore {
    static func migrateBatches(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE run ADD COLUMN client TEXT;
            ALTER TABLE run ADD COLUMN batch_id TEXT;
            ALTER TABLE run ADD COLUMN row_index INTEGER;
            CREATE UNIQUE INDEX run_by_batch_row ON run (batch_id, row_index) WHERE batch_id IS NOT NULL;
            CREATE INDEX run_by_client ON run (client) WHERE client IS NOT NULL;
            CREATE TABLE batch (
              id TEXT PRIMARY KEY,
              flow TEXT NOT NULL,
              flow_hash TEXT NOT NULL,
              input TEXT NOT NULL,
              input_hash TEXT NOT NULL,
              client TEXT NOT NULL,
              command TEXT NOT NULL,
              folder TEXT NOT NULL,
              rows INTEGER NOT NULL,
              started_at REAL NOT NULL,
              updated_at REAL NOT NULL
            );
            -- the same flow over the same input for the same client is the same batch
            CREATE UNIQUE INDEX batch_identity ON batch (folder, flow, input_hash, client);
            """)
    }

    /// The batch of this flow, input content and client, made if there is none yet; `created`
    /// tells which. A batch found again keeps its id and rows; its flow hash and options are
    /// brought up to date.
    public func batch(flow: String, flowHash: String, input: String, inputHash: String, client: String, command: [String],
                      folder: String, rows: Int, now: Double = Date().timeIntervalSince1970) throws(RunStoreError) -> (BatchRecord, created: Bool) {
        try write { db in
            if var found = try Row.fetchOne(db, sql: "SELECT * FROM batch WHERE folder = ? AND flow = ? AND input_hash = ? AND client = ?",
                                            arguments: [folder, flow, inputHash, client]).map(Self.batchRecord) {
                try db.execute(sql: "UPDATE batch SET flow_hash = ?, command = ?, input = ?, updated_at = ? WHERE id = ?",
                               arguments: [flowHash, Self.json(command), input, now, found.id])
                found.flowHash = flowHash
                found.command = command
                found.input = input
                found.updatedAt = now
                return (found, false)
            }
            let record = BatchRecord(id: BatchRecord.makeID(at: Date(timeIntervalSince1970: now)), flow: flow, flowHash: flowHash,
                                     input: input, inputHash: inputHash, client: client, command: command, folder: folder, rows: rows,
                                     startedAt: now, updatedAt: now)
            try db.execute(sql: """
                INSERT INTO batch (id, flow, flow_hash, input, input_hash, client, command, folder, rows, started_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [record.id, flow, flowHash, input, inputHash, client, Self.json(command), folder, rows, now, now])
            return (record, true)
        }
    }

    /// The batch with this id, or nil.
    public func batch(_ id: String) throws(RunStoreError) -> BatchRecord? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM batch WHERE id = ?", arguments: [id]).map(Self.batchRecord) }
    }

    /// Batches, newest first.
    public func batches() throws(RunStoreError) -> [BatchRecord] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM batch ORDER BY id DESC").map(Self.batchRecord) }
    }

    /// The runs of a batch's rows, by row.
    public func rows(of batch: String) throws(RunStoreError) -> [Int: RunRecord] {
        let runs = try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run WHERE batch_id = ?", arguments: [batch]).map(Self.record)
        }
        var byRow: [Int: RunRecord] = [:]
        for run in runs { if let row = run.row { byRow[row] = run } }
        return byRow
    }

    /// How far the batch got (effective statuses: a row whose process died is interrupted).
    public func progress(of batch: BatchRecord, now: Double = Date().timeIntervalSince1970) throws(RunStoreError) -> BatchProgress {
        var counts: [RunStatus: Int] = [:]
        for run in try rows(of: batch.id).values { counts[run.effectiveStatus(now: now), default: 0] += 1 }
        return BatchProgress(rows: batch.rows, byStatus: counts)
    }

    /// Runs of one batch or one client (or both), newest first.
    public func runs(batch: String?, client: String?, status: RunStatus? = nil,
                     now: Double = Date().timeIntervalSince1970) throws(RunStoreError) -> [RunRecord] {
        let all = try read { db in
            var clauses: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let batch { clauses.append("batch_id = ?"); arguments.append(batch) }
            if let client { clauses.append("client = ?"); arguments.append(client) }
            let sql = "SELECT * FROM run" + (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")) + " ORDER BY id DESC"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(Self.record)
        }
        return status.map { s in all.filter { $0.effectiveStatus(now: now) == s } } ?? all
    }

    static func batchRecord(_ row: Row) -> BatchRecord {
        BatchRecord(id: row["id"], flow: row["flow"], flowHash: row["flow_hash"], input: row["input"], inputHash: row["input_hash"],
                    client: row["client"], command: strings(row["command"]), folder: row["folder"], rows: row["rows"],
                    startedAt: row["started_at"], updatedAt: row["updated_at"])
    }
}
