import Crypto
import Foundation
import JSONCodec
import Testing
import YousignWire
@testable import YousignEmulator

/// Records deliveries and answers with scripted statuses (or throws).
final class RecordingSender: WebhookSender, @unchecked Sendable {
    struct Delivery {
        var url: String
        var headers: [(String, String)]
        var body: [UInt8]
        var timeout: TimeInterval
        func header(_ n: String) -> String? { headers.first { $0.0 == n }?.1 }
    }
    private let lock = NSLock()
    private var scripted: [Result<Int, Error>]
    private(set) var deliveries: [Delivery] = []

    init(_ scripted: [Result<Int, Error>] = []) { self.scripted = scripted }

    func send(url: String, headers: [(String, String)], body: [UInt8], timeout: TimeInterval) async throws -> Int {
        let next: Result<Int, Error> = lock.withLock {
            deliveries.append(Delivery(url: url, headers: headers, body: body, timeout: timeout))
            return scripted.isEmpty ? .success(200) : scripted.removeFirst()
        }
        return try next.get()
    }

    var all: [Delivery] { lock.withLock { deliveries } }
}

struct TimeoutError: Error, CustomStringConvertible { var description: String { "request timed out" } }

@Suite("Webhook subscriptions and deliveries")
struct WebhookTests {
    static let subscription: JSONValue = .object([
        "endpoint": "https://hooks.example.com/yousign", "description": "CRM", "sandbox": true,
        "subscribed_events": .array(["workflow_session.started", "applicant.notified"]), "scopes": .array(["public_api"]),
        "auto_retry": true, "enabled": true, "secret_key": "0123456789abcdef0123456789abcdef",
    ])

    @Test("CRUD: create fills id and timestamps, list is a bare array, delete is 204")
    func crud() async throws {
        let api = try TestAPI()
        let created = try await api.post("/v3/webhooks", Self.subscription)
        #expect(created.status == 201, "\(created)")
        #expect(created["secret_key"] == "0123456789abcdef0123456789abcdef")
        #expect(created["updated_at"] == .null)
        let list = try await api.get("/v3/webhooks")
        #expect(list.json.arrayValue?.count == 1)
        let patched = try await api.patch("/v3/webhooks/\(created.id)", .object(["enabled": false]))
        #expect(patched["enabled"] == false)
        #expect(patched["updated_at"] != .null)
        #expect(try await api.delete("/v3/webhooks/\(created.id)").status == 204)
        #expect(try await api.get("/v3/webhooks/\(created.id)").status == 404)
        let bad = try await api.post("/v3/webhooks", .object(["endpoint": "http://insecure.example.com"]))
        #expect(bad.status == 400)
    }

    @Test("a delivery is signed with HMAC-SHA256 of the raw body and carries the Yousign headers")
    func signedDelivery() async throws {
        let sender = RecordingSender()
        let api = try TestAPI(webhookSender: sender)
        _ = try await api.post("/v3/webhooks", Self.subscription)
        let s = try await api.post("/v3/workflow_sessions", .object([
            "workflow_template_id": .string(Fixtures.customerOnboardingTemplateID), "name": "Kelly"]))
        _ = try await api.post("/v3/workflow_sessions/\(s.id)/applicants", .object(["type": "natural_person", "label": "Kelly"]))
        _ = try await api.get("/v3/workflow_sessions/\(s.id)/links")
        let d = try #require(sender.all.first)
        #expect(d.url == "https://hooks.example.com/yousign")
        let mac = HMAC<SHA256>.authenticationCode(for: d.body, using: SymmetricKey(data: Array("0123456789abcdef0123456789abcdef".utf8)))
        #expect(d.header("X-Yousign-Signature-256") == "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
        #expect(d.header("X-Yousign-Retry") == "0")
        #expect(d.header("User-Agent") == "Yousign Webhook Bot")
        #expect(d.timeout == 1)
        let envelope = try JSONValue(parsing: d.body)
        #expect(envelope["event_name"] == "applicant.notified")
        #expect(envelope["event_time"] == "1767225600")
        #expect(envelope["sandbox"] == true)
        #expect(envelope["data"]?["applicant"]?["status"] == "notified")
    }

    @Test("failed deliveries are retried on the emulator clock: 2 min, 6 min, 30 min ...")
    func retries() async throws {
        let sender = RecordingSender([.success(500), .success(503), .success(200)])
        let api = try TestAPI(webhookSender: sender)
        _ = try await api.post("/v3/webhooks", Self.subscription)
        let s = try await api.post("/v3/workflow_sessions", .object([
            "workflow_template_id": .string(Fixtures.customerOnboardingTemplateID), "name": "Kelly"]))
        _ = try await api.post("/v3/workflow_sessions/\(s.id)/applicants", .object(["type": "natural_person", "label": "Kelly"]))
        _ = try await api.get("/v3/workflow_sessions/\(s.id)/links")
        #expect(sender.all.count == 1)
        try await api.advance(seconds: 119)
        #expect(sender.all.count == 1)
        try await api.advance(seconds: 1)
        #expect(sender.all.count == 2)
        #expect(sender.all[1].header("X-Yousign-Retry") == "1")
        #expect(sender.all[1].timeout == 10)
        try await api.advance(seconds: 360)
        #expect(sender.all.count == 3)
        let log = try await api.call("GET", "/_emulator/webhook_deliveries", auth: false)
        let delivery = try #require(log["data"]?[0])
        #expect(delivery["status"] == "delivered")
        #expect(delivery["attempts"] == 3)
        #expect(delivery["attempt_log"]?.arrayValue?.compactMap { $0["status_code"]?.intValue } == [500, 503, 200])
        // the same event id on every attempt
        let ids = Set(sender.all.map { (try? JSONValue(parsing: $0.body))?["event_id"]?.stringValue ?? "" })
        #expect(ids.count == 1)
    }

    @Test("without auto_retry, only a first-attempt timeout gets one retry")
    func noAutoRetry() async throws {
        let sender = RecordingSender([.failure(TimeoutError()), .success(500)])
        let api = try TestAPI(webhookSender: sender)
        var sub = Self.subscription.objectValue!
        sub["auto_retry"] = false
        _ = try await api.post("/v3/webhooks", .object(sub))
        let s = try await api.post("/v3/workflow_sessions", .object([
            "workflow_template_id": .string(Fixtures.customerOnboardingTemplateID), "name": "Kelly"]))
        _ = try await api.post("/v3/workflow_sessions/\(s.id)/applicants", .object(["type": "natural_person", "label": "Kelly"]))
        _ = try await api.get("/v3/workflow_sessions/\(s.id)/links")
        try await api.advance(seconds: 120)
        try await api.advance(seconds: 100_000)
        #expect(sender.all.count == 2)
        let log = try await api.call("GET", "/_emulator/webhook_deliveries", auth: false)
        #expect(log["data"]?[0]?["status"] == "failed")
    }
}
