import Foundation
import GRDB

/// Runs: creating, reading, listing, ending, leases.
extension RunStore {
    /// Starts a run held by this process.
    public func create(_ new: NewRun, now: Double = Date().timeIntervalSince1970) throws(RunStoreError) -> RunRecord {
        let lease = RunLease.current(now: now)
        let record = RunRecord(
            id: RunID.make(at: Date(timeIntervalSince1970: now)), flow: new.flow, flowHash: new.flowHash, script: new.script,
            arguments: new.arguments, command: new.command, folder: new.folder, backend: new.backend, status: .running,
            lease: lease, startedAt: now, updatedAt: now, endedAt: nil, exitCode: nil, error: nil, output: [], outputBytes: 0,
            steps: 0, attempts: 1, client: new.client, batch: new.batch, row: new.row, origin: new.origin)
        try write { db in
            if let origin = new.origin, try Row.fetchOne(db, sql: "SELECT 1 FROM run WHERE origin = ?", arguments: [origin]) != nil {
                throw RunStoreError(.conflict, "a run of origin \(origin) exists already")
            }
            if let batch = new.batch, let row = new.row,
               try Row.fetchOne(db, sql: "SELECT 1 FROM run WHERE batch_id = ? AND row_index = ?", arguments: [batch, row]) != nil {
                throw RunStoreError(.conflict, "row \(row) of \(batch) already has a run")
            }
            try db.execute(sql: """
                INSERT INTO run (id, flow, flow_hash, script, arguments, command, folder, backend, status, lease_pid, lease_host,
                                 heartbeat_at, started_at, updated_at, client, batch_id, row_index, origin)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [record.id, record.flow, record.flowHash, record.script.map { Data($0) }, Self.json(record.arguments),
                                 Self.json(record.command), record.folder, record.backend, record.status.rawValue, lease.pid, lease.host,
                                 now, now, now, new.client, new.batch, new.row, new.origin])
        }
        return record
    }

    /// The run with this id, or nil.
    public func run(_ id: String) throws(RunStoreError) -> RunRecord? {
        try read { db in
            guard var record = try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]).map(Self.record) else { return nil }
            record.output = try Self.output(db, id)
            return record
        }
    }

    /// Runs, newest first; with `status`, those whose effective status it is.
    public func runs(status: RunStatus? = nil, limit: Int? = nil, now: Double = Date().timeIntervalSince1970) throws(RunStoreError) -> [RunRecord] {
        let all = try read { db in
            // an interrupted run may be stored as running or waiting: filter after reading
            var sql = "SELECT * FROM run"
            var arguments: StatementArguments = []
            if let status {
                let stored = status == .interrupted ? ["interrupted", "running", "waiting"] : [status.rawValue]
                sql += " WHERE status IN (\(stored.map { _ in "?" }.joined(separator: ", ")))"
                arguments = StatementArguments(stored)
            }
            sql += " ORDER BY id DESC"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.record)
        }
        let filtered = status.map { s in all.filter { $0.effectiveStatus(now: now) == s } } ?? all
        return limit.map { Array(filtered.prefix($0)) } ?? filtered
    }

    /// Sets the status of a run this process holds (`waiting` during `yousign.wait`).
    public func setStatus(_ id: String, _ status: RunStatus, now: Double = Date().timeIntervalSince1970) throws(RunStoreError) {
        try write { db in
            try db.execute(sql: "UPDATE run SET status = ?, updated_at = ? WHERE id = ? AND status NOT IN ('cancelled', 'done')",
                           arguments: [status.rawValue, now, id])
        }
    }

    /// Ends a run: its status, exit code, error and the output not yet stored.
    public func finish(_ id: String, status: RunStatus, exitCode: Int32?, error: String?, output: [UInt8] = [], outputBytes: Int? = nil,
                       now: Double = Date().timeIntervalSince1970) throws(RunStoreError) {
        try write { db in
            try Self.appendOutput(db, id, output)
            // a run cancelled while it went on stays cancelled
            try db.execute(sql: """
                UPDATE run SET status = CASE WHEN status = 'cancelled' THEN status ELSE ? END, exit_code = ?, error = ?,
                               ended_at = ?, updated_at = ?, lease_pid = NULL, lease_host = NULL, heartbeat_at = NULL,
                               output_bytes = coalesce(?, output_bytes)
                WHERE id = ?
                """, arguments: [status.rawValue, exitCode, error, status.isEnded ? now : nil, now, outputBytes, id])
        }
    }

    /// Renews this process's lease; false when the run was cancelled meanwhile.
    @discardableResult
    public func heartbeat(_ id: String, now: Double = Date().timeIntervalSince1970) throws(RunStoreError) -> Bool {
        try write { db in
            try db.execute(sql: "UPDATE run SET heartbeat_at = ? WHERE id = ? AND status IN ('running', 'waiting')", arguments: [now, id])
            return db.changesCount > 0
        }
    }

    /// Takes a run over to resume it: only one that is interrupted (its holder is gone) or
    /// failed. Returns it as it is now held by this process; refuses, saying why, otherwise.
    public func claim(_ id: String, now: Double = Date().timeIntervalSince1970) throws(RunStoreError) -> RunRecord {
        let lease = RunLease.current(now: now)
        return try write { db in
            guard let record = try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]).map(Self.record) else {
                throw Self.notFound(id)
            }
            switch record.effectiveStatus(now: now) {
            case .done: throw RunStoreError(.conflict, "\(id) is done; there is nothing to resume")
            case .cancelled: throw RunStoreError(.conflict, "\(id) was cancelled; start the flow again with `onboard run` for a new run")
            case .waiting where record.wake != nil:
                throw RunStoreError(.conflict, "\(id) is parked in the store, waiting for \(record.wake!.event.map { "\($0) on \(record.wake!.object ?? "?") or " } ?? "")its next poll; `onboard worker` resumes it when that comes (or cancel it with `onboard runs cancel \(id)`)")
            case .running, .waiting:
                let holder = record.lease.map { "process \($0.pid) on \($0.host)" } ?? "another process"
                throw RunStoreError(.conflict, "\(id) is \(record.status.rawValue) in \(holder); it cannot be resumed twice (cancel it first with `onboard runs cancel \(id)` if that process is stuck)")
            case .interrupted, .failed: break
            }
            try db.execute(sql: """
                UPDATE run SET status = 'running', lease_pid = ?, lease_host = ?, heartbeat_at = ?, updated_at = ?, ended_at = NULL,
                               exit_code = NULL, error = NULL, attempts = attempts + 1
                WHERE id = ?
                """, arguments: [lease.pid, lease.host, now, now, id])
            var claimed = record
            claimed.status = .running
            claimed.lease = lease
            claimed.attempts += 1
            claimed.error = nil
            claimed.exitCode = nil
            claimed.output = try Self.output(db, id)
            return claimed
        }
    }

    /// Notes the script's new hash when a run is resumed with an edited flow.
    public func setFlowHash(_ id: String, _ hash: String) throws(RunStoreError) {
        try write { db in try db.execute(sql: "UPDATE run SET flow_hash = ? WHERE id = ?", arguments: [hash, id]) }
    }

    /// Cancels a run that is not done: it will not be resumed, and a process still working on
    /// it stops at its next effect.
    public func cancel(_ id: String, now: Double = Date().timeIntervalSince1970) throws(RunStoreError) -> RunRecord {
        try write { db in
            guard var record = try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]).map(Self.record) else {
                throw Self.notFound(id)
            }
            // a failed run could still be resumed: it can be cancelled
            if record.status == .done || record.status == .cancelled {
                throw RunStoreError(.conflict, "\(id) has already ended (\(record.status.rawValue)); there is nothing to cancel")
            }
            try db.execute(sql: "UPDATE run SET status = 'cancelled', ended_at = ?, updated_at = ? WHERE id = ?", arguments: [now, now, id])
            record.status = .cancelled
            return record
        }
    }

    /// Deletes the runs that ended (done, failed, cancelled) before `before`, with their
    /// journals; the resources they created stay claimed. Returns how many went, and how many
    /// interrupted runs as old were kept (they can still be resumed or cancelled).
    public func prune(before: Double, now: Double = Date().timeIntervalSince1970) throws(RunStoreError) -> (deleted: Int, keptInterrupted: Int) {
        try write { db in
            try db.execute(sql: "DELETE FROM run WHERE status IN ('done', 'failed', 'cancelled') AND updated_at < ?", arguments: [before])
            let deleted = db.changesCount
            let old = try Row.fetchAll(db, sql: "SELECT * FROM run WHERE status IN ('interrupted', 'running', 'waiting') AND updated_at < ?",
                                       arguments: [before]).map(Self.record)
            return (deleted, old.filter { $0.effectiveStatus(now: now) == .interrupted }.count)
        }
    }

    static func notFound(_ id: String) -> RunStoreError {
        RunStoreError(.notFound, "no run \(id) in this store; `onboard runs list` shows the runs there are")
    }

    static func json(_ strings: [String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: strings)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func strings(_ text: String?) -> [String] {
        guard let text, let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String] else { return [] }
        return array
    }

    static func record(_ row: Row) -> RunRecord {
        var lease: RunLease?
        if let pid: Int32 = row["lease_pid"], let host: String = row["lease_host"] {
            lease = RunLease(pid: pid, host: host, heartbeat: row["heartbeat_at"] ?? 0)
        }
        let script: Data? = row["script"]
        return RunRecord(
            id: row["id"], flow: row["flow"], flowHash: row["flow_hash"], script: script.map { [UInt8]($0) },
            arguments: strings(row["arguments"]), command: strings(row["command"]), folder: row["folder"], backend: row["backend"],
            status: RunStatus(rawValue: row["status"]) ?? .interrupted, lease: lease, startedAt: row["started_at"],
            updatedAt: row["updated_at"], endedAt: row["ended_at"], exitCode: row["exit_code"], error: row["error"],
            output: [], outputBytes: row["output_bytes"], steps: row["steps"], attempts: row["attempts"],
            client: row["client"], batch: row["batch_id"], row: row["row_index"],
            wake: (row["wake_at"] as Double?).map { RunWake(at: $0, event: row["wake_event"], object: row["wake_object"]) },
            origin: row["origin"])
    }
}
