import Foundation
import GRDB

/// Things that happen later on the emulator clock: a signature request expiring, a delayed
/// verification result. Each is a row (due time, action, target) run by the first request or
/// tick at or after its time, in the order it was scheduled.
enum Timers {
    typealias Action = @Sendable (inout RequestContext, String) throws -> Void

    /// Actions by name; resource files register theirs here.
    static let actions: [String: Action] = [
        "expire_signature_request": SignatureRequestLifecycle.expire,
        "complete_verification": VerificationLifecycle.completeScheduled,
    ]

    static func schedule(_ db: Database, at: Date, action: String, target: String) throws {
        try db.execute(sql: "INSERT INTO timer (due_at, action, target) VALUES (?, ?, ?)",
                       arguments: [at.timeIntervalSince1970, action, target])
    }

    static func cancel(_ db: Database, action: String, target: String) throws {
        try db.execute(sql: "DELETE FROM timer WHERE action = ? AND target = ?", arguments: [action, target])
    }

    /// The earliest due time (Unix seconds), or +inf with none scheduled.
    static func earliest(_ db: Database) throws -> Double {
        try Double.fetchOne(db, sql: "SELECT MIN(due_at) FROM timer") ?? .infinity
    }

    static func anyDue(_ db: Database, now: Date) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM timer WHERE due_at <= ?)", arguments: [now.timeIntervalSince1970]) ?? false
    }

    static func runDue(_ context: inout RequestContext) throws {
        let rows = try Row.fetchAll(try context.db.cachedStatement(sql: "SELECT seq, action, target FROM timer WHERE due_at <= ? ORDER BY due_at, seq"),
                                    arguments: [context.now.timeIntervalSince1970])
        for row in rows {
            let seq: Int64 = row["seq"]
            try context.db.execute(sql: "DELETE FROM timer WHERE seq = ?", arguments: [seq])
            if let action = actions[row["action"]] { try action(&context, row["target"]) }
        }
    }
}
