import Crypto
import Foundation
import GRDB
import JSONCodec
import YousignWire

/// Sends queued deliveries that are due on the emulator clock, signs them, and schedules
/// retries (API.md §7.3): with `auto_retry`, up to 8 retries after 2 min, 6 min, 30 min, 1 h,
/// 5 h, 18 h, 1 d and 2 d; a first attempt that times out gets one retry even without it.
final class WebhookDispatcher: Sendable {
    static let retryDelays: [TimeInterval] = [120, 360, 1800, 3600, 18_000, 64_800, 86_400, 172_800]

    let sender: (any WebhookSender)?
    private let busy = LockedValue(false)
    /// When the store next holds a due delivery (Unix seconds): -inf means "look", +inf "none
    /// queued". Keeps reads from looking up deliveries after every request.
    private let nextCheck = LockedValue(-Double.infinity)

    /// A write may have queued deliveries: the next pass looks.
    func noteWrite() { nextCheck.set(-.infinity) }

    init(sender: (any WebhookSender)?) { self.sender = sender }

    /// `sha256=<hex HMAC-SHA256(secret, raw body)>`.
    static func signature(secret: String, body: [UInt8]) -> String {
        WebhookSignature.sign(body: body, secret: Array(secret.utf8))
    }

    func deliverDue(writer: any DatabaseWriter, now: Date) async {
        guard let sender, now.timeIntervalSince1970 >= nextCheck.value else { return }
        // one pass at a time; a pass started by another request picks these up
        guard busy.update({ b in if b { return false }; b = true; return true }) else { return }
        defer { busy.set(false) }
        let due: [Row] = (try? await writer.read { db in
            try Row.fetchAll(try db.cachedStatement(sql: """
                SELECT d.seq, d.id, d.endpoint, d.body, d.attempts, d.auto_retry, r.body AS subscription
                FROM delivery d JOIN resource r ON r.kind = 'webhook' AND r.id = d.subscription_id
                WHERE d.status IN ('pending', 'retrying') AND d.next_attempt_at <= ? ORDER BY d.seq
                """), arguments: [now.timeIntervalSince1970])
        }) ?? []
        nextCheck.set(.infinity)
        for row in due {
            let body = [UInt8](row["body"] as Data)
            let attempts: Int = row["attempts"]
            let subscription = (try? Database.object(row["subscription"])) ?? [:]
            let secret = subscription["secret_key"]?.stringValue ?? ""
            let headers = [
                ("Content-Type", "application/json"),
                ("User-Agent", "Yousign Webhook Bot"),
                ("X-Yousign-Signature-256", Self.signature(secret: secret, body: body)),
                ("X-Yousign-Retry", String(attempts)),
                ("X-Yousign-Issued-At", String(Int64(now.timeIntervalSince1970))),
            ]
            var outcome: JSONObject = ["attempt": .integer(Int64(attempts)), "at": .string(Timestamp.string(now))]
            var succeeded = false
            var timedOut = false
            do {
                let status = try await sender.send(url: row["endpoint"], headers: headers, body: body, timeout: attempts == 0 ? 1 : 10)
                outcome["status_code"] = .integer(Int64(status))
                succeeded = (200..<400).contains(status)
            } catch {
                timedOut = "\(error)".lowercased().contains("time")
                outcome["error"] = .string(timedOut ? "timeout" : "\(error)")
            }
            let autoRetry: Bool = row["auto_retry"]
            let next = attempts + 1
            let mayRetry = (autoRetry && next <= Self.retryDelays.count) || (attempts == 0 && timedOut)
            let status = succeeded ? "delivered" : (mayRetry ? "retrying" : "failed")
            let nextAt: Double? = (!succeeded && mayRetry) ? now.addingTimeInterval(Self.retryDelays[min(attempts, Self.retryDelays.count - 1)]).timeIntervalSince1970 : nil
            let seq: Int64 = row["seq"]
            let entry = outcome
            _ = try? await writer.write { db in
                let log = (try? JSONValue(parsing: try String.fetchOne(db, sql: "SELECT log FROM delivery WHERE seq = ?", arguments: [seq]) ?? "[]").arrayValue) ?? []
                let newLog = String(decoding: try JSONValue.array(log + [.object(entry)]).encoded(), as: UTF8.self)
                try db.execute(sql: "UPDATE delivery SET attempts = ?, status = ?, next_attempt_at = ?, log = ? WHERE seq = ?",
                               arguments: [next, status, nextAt, newLog, seq])
            }
        }
        let next = try? await writer.read { db in
            try Double.fetchOne(db, sql: "SELECT MIN(next_attempt_at) FROM delivery WHERE status IN ('pending', 'retrying')")
        }
        // a write that landed during this pass reset the mark to -inf: keep it
        nextCheck.update { $0 = $0 == -.infinity ? -.infinity : ((next ?? nil) ?? .infinity) }
    }
}
