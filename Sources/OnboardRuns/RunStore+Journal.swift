import Foundation
import GRDB

/// The journal: entries written in step order, each in a transaction of its own with the
/// output printed since the last one.
extension RunStore {
    /// Writes an entry. `output` is the script's output since the last write (already cut to
    /// what the store keeps) and `outputBytes` the total printed; `status`, if given, becomes
    /// the run's. Returns false, writing nothing, when the run was cancelled meanwhile.
    @discardableResult
    public func append(_ entry: JournalEntry, to id: String, output: [UInt8] = [], outputBytes: Int? = nil, status: RunStatus? = nil,
                       claims: [String] = [], now: Double = Date().timeIntervalSince1970) throws(RunStoreError) -> Bool {
        try write { db in
            // one small row rewritten per write; the output is appended apart
            try db.cachedStatement(sql: """
                UPDATE run SET steps = max(steps, ?), updated_at = ?, status = coalesce(?, status),
                               output_bytes = coalesce(?, output_bytes)
                WHERE id = ? AND status != 'cancelled'
                """).execute(arguments: [entry.step, now, status?.rawValue, outputBytes, id])
            guard db.changesCount > 0 else { return try Self.cancelledOrMissing(db, id) }
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO entry (run_id, step, kind, key, digest, detail, state, result_kind, result, output_at, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [id, entry.step, entry.kind.rawValue, entry.key, entry.digest, entry.detail, entry.state.rawValue,
                                         entry.resultKind, entry.result.map { Data($0) }, entry.outputAt, entry.at])
            try Self.claim(db, claims, id, entry.step)
            try Self.appendOutput(db, id, output)
            return true
        }
    }

    /// Gives an intent its result (the response came, or reconciling found it).
    @discardableResult
    public func complete(step: Int, of id: String, resultKind: String, result: [UInt8], claims: [String] = [], output: [UInt8] = [],
                         outputBytes: Int? = nil, now: Double = Date().timeIntervalSince1970) throws(RunStoreError) -> Bool {
        try write { db in
            try db.cachedStatement(sql: "UPDATE run SET updated_at = ?, output_bytes = coalesce(?, output_bytes) WHERE id = ? AND status != 'cancelled'")
                .execute(arguments: [now, outputBytes, id])
            guard db.changesCount > 0 else { return try Self.cancelledOrMissing(db, id) }
            try db.cachedStatement(sql: "UPDATE entry SET state = 'done', result_kind = ?, result = ? WHERE run_id = ? AND step = ?")
                .execute(arguments: [resultKind, Data(result), id, step])
            try Self.claim(db, claims, id, step)
            try Self.appendOutput(db, id, output)
            return true
        }
    }

    /// A run's journal, in step order.
    public func entries(of id: String) throws(RunStoreError) -> [JournalEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM entry WHERE run_id = ? ORDER BY step", arguments: [id]).map { row in
                let result: Data? = row["result"]
                return JournalEntry(
                    step: row["step"], kind: JournalEntry.Kind(rawValue: row["kind"]) ?? .call, key: row["key"], digest: row["digest"],
                    detail: row["detail"], state: JournalEntry.State(rawValue: row["state"]) ?? .intent, resultKind: row["result_kind"],
                    result: result.map { [UInt8]($0) }, outputAt: row["output_at"], at: row["at"])
            }
        }
    }

    /// Which of these resource ids a run of this store created (and which run).
    public func claimed(_ resourceIDs: [String]) throws(RunStoreError) -> [String: String] {
        guard !resourceIDs.isEmpty else { return [:] }
        return try read { db in
            var owners: [String: String] = [:]
            for chunk in stride(from: 0, to: resourceIDs.count, by: 500) {
                let part = Array(resourceIDs[chunk..<min(chunk + 500, resourceIDs.count)])
                let rows = try Row.fetchAll(db, sql: "SELECT resource_id, run_id FROM claim WHERE resource_id IN (\(part.map { _ in "?" }.joined(separator: ",")))",
                                            arguments: StatementArguments(part))
                for row in rows { owners[row["resource_id"]] = row["run_id"] }
            }
            return owners
        }
    }

    /// After an update that changed nothing: false for a cancelled run, an error for none.
    static func cancelledOrMissing(_ db: Database, _ id: String) throws -> Bool {
        guard try String.fetchOne(db, sql: "SELECT status FROM run WHERE id = ?", arguments: [id]) != nil else { throw notFound(id) }
        return false
    }

    static func claim(_ db: Database, _ ids: [String], _ run: String, _ step: Int) throws {
        for resource in ids {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO claim (resource_id, run_id, step) VALUES (?, ?, ?)")
                .execute(arguments: [resource, run, step])
        }
    }

    static func appendOutput(_ db: Database, _ id: String, _ output: [UInt8]) throws {
        guard !output.isEmpty else { return }
        try db.cachedStatement(sql: """
            INSERT INTO output (run_id, seq, bytes)
            VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM output WHERE run_id = ?), ?)
            """).execute(arguments: [id, id, Data(output)])
    }

    /// What a run printed (as kept).
    static func output(_ db: Database, _ id: String) throws -> [UInt8] {
        try Data.fetchAll(db, sql: "SELECT bytes FROM output WHERE run_id = ? ORDER BY seq", arguments: [id]).flatMap { [UInt8]($0) }
    }
}
