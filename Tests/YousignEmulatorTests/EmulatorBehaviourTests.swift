import Foundation
import JSONCodec
import Testing
import YousignWire
@testable import YousignEmulator

@Suite("Rate limits, clock, reset, fixtures and storage")
struct EmulatorBehaviourTests {
    @Test("sandbox rate limit: 30 per minute with headers, then 429 with Retry-After, reset on the next minute")
    func rateLimit() async throws {
        let api = try TestAPI(rateLimit: .sandbox)
        for i in 0..<30 {
            let r = try await api.get("/v3/workflow_templates")
            #expect(r.status == 200)
            if i == 0 {
                #expect(r.response.headers["RateLimit-Limit"] == "30")
                #expect(r.response.headers["RateLimit-Remaining"] == "29")
                #expect(r.response.headers["X-RateLimit-Limit-Hour"] == "200")
                #expect(r.response.headers["RateLimit-Reset"] == "60")
            }
        }
        let limited = try await api.get("/v3/workflow_templates")
        #expect(limited.status == 429)
        #expect(limited.json == .object(["message": "Too many requests"]))
        #expect(limited.response.headers["Retry-After"] == "60")
        #expect(limited.response.headers["RateLimit-Remaining"] == "0")
        try await api.advance(seconds: 60)
        #expect(try await api.get("/v3/workflow_templates").status == 200)
    }

    @Test("a repeated GET is answered from memory until a write or the clock changes something")
    func cachedReads() async throws {
        let api = try TestAPI()
        let s = try await api.post("/v3/workflow_sessions", .object([
            "workflow_template_id": .string(Fixtures.customerOnboardingTemplateID), "name": "Kelly"]))
        let first = try await api.get("/v3/workflow_sessions/\(s.id)")
        #expect(try await api.get("/v3/workflow_sessions/\(s.id)").json == first.json)
        // a write changes what the same GET returns
        let idDoc = try await api.multipart("POST", "/v3/verifications/identity_documents",
            fields: [("workflow_session_id", s.id)],
            files: [(field: "file", filename: "verified_id_document_verification.pdf", contentType: "application/pdf", bytes: samplePDF)])
        #expect(idDoc.status == 201)
        #expect(try await api.get("/v3/workflow_sessions/\(s.id)")["status"] == "ongoing")
        // so does time: an activated signature request expires when the clock passes its date
        let sr = try await api.post("/v3/signature_requests", .object(["name": "Contract", "delivery_mode": "none", "expiration_date": "2026-01-10"]))
        let doc = try await api.multipart("POST", "/v3/signature_requests/\(sr.id)/documents", fields: [("nature", "signable_document")],
            files: [(field: "file", filename: "c.pdf", contentType: "application/pdf", bytes: samplePDF)])
        let signer = try await api.post("/v3/signature_requests/\(sr.id)/signers", .object([
            "info": .object(["first_name": "Kelly", "last_name": "Smith", "email": "kelly@example.com", "locale": "en"]),
            "signature_level": "electronic_signature", "signature_authentication_mode": "no_otp"]))
        _ = try await api.post("/v3/signature_requests/\(sr.id)/documents/\(doc.id)/fields", .object([
            "signer_id": .string(signer.id), "type": "signature", "page": 1, "x": 10, "y": 10]))
        #expect(try await api.post("/v3/signature_requests/\(sr.id)/activate").status == 201)
        #expect(try await api.get("/v3/signature_requests/\(sr.id)")["status"] == "ongoing")
        try await api.advance(seconds: 15 * 86_400)
        #expect(try await api.get("/v3/signature_requests/\(sr.id)")["status"] == "expired")
    }

    @Test("rate limits off by default: no headers")
    func rateLimitOff() async throws {
        let api = try TestAPI()
        let r = try await api.get("/v3/workflow_templates")
        #expect(r.response.headers["RateLimit-Limit"] == nil)
    }

    @Test("the clock advances and reset empties the store")
    func clockAndReset() async throws {
        let api = try TestAPI()
        let before = try await api.call("GET", "/_emulator/clock", auth: false)
        #expect(before["unix"] == 1_767_225_600)
        try await api.advance(seconds: 3600)
        #expect(try await api.call("GET", "/_emulator/clock", auth: false)["now"] == "2026-01-01T01:00:00+00:00")
        let s = try await api.post("/v3/workflow_sessions", .object([
            "workflow_template_id": .string(Fixtures.customerOnboardingTemplateID), "name": "x"]))
        #expect(s["created_at"] == "2026-01-01T01:00:00+00:00")
        #expect(try await api.call("POST", "/_emulator/reset", auth: false).status == 204)
        #expect(try await api.get("/v3/workflow_sessions/\(s.id)").status == 404)
        #expect(try await api.call("GET", "/_emulator/clock", auth: false)["unix"] == 1_767_225_600)
        #expect(try await api.get("/v3/workflow_templates")["data"]?.arrayValue?.count == 3)
    }

    @Test("a fixtures file extends or replaces the defaults, and bad files say what is wrong")
    func fixtures() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fixtures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let extend = dir.appendingPathComponent("extend.json").path
        try #"{"api_keys": ["client-a"], "workflow_templates": [{"id": "11111111-0000-4000-8000-000000000001", "name": "KYC", "action_groups": ["identity_verification"]}]}"#
            .write(toFile: extend, atomically: true, encoding: .utf8)
        let extended = try Fixtures.load(path: extend)
        #expect(extended.apiKeys == [Fixtures.defaultAPIKey, "client-a"])
        #expect(extended.templates.map(\.name) == ["Customer onboarding", "Business onboarding", "Onboarding in two workspaces", "KYC"])
        let replace = dir.appendingPathComponent("replace.json").path
        try #"{"mode": "replace", "api_keys": ["only"], "workspaces": [{"id": "22222222-0000-4000-8000-000000000001", "name": "Solo"}], "workflow_templates": []}"#
            .write(toFile: replace, atomically: true, encoding: .utf8)
        let replaced = try Fixtures.load(path: replace)
        #expect(replaced.apiKeys == ["only"])
        #expect(replaced.workspaces == [.init(id: "22222222-0000-4000-8000-000000000001", name: "Solo", isDefault: true)])
        let bad = dir.appendingPathComponent("bad.json").path
        try #"{"workflow_templates": [{"id": "x", "name": "y", "action_groups": ["teleport"]}]}"#.write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: Fixtures.LoadError.self) { try Fixtures.load(path: bad) }
        do { _ = try Fixtures.load(path: bad) } catch { #expect("\(error)".contains("unknown action group type 'teleport'")) }
    }

    @Test("a file store keeps state across restarts and serves concurrent requests without losing writes")
    func fileStore() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("emu-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let config = EmulatorConfiguration(storage: .file(path), clock: FixedClock())
        let headers: WireHeaders = ["Authorization": "Bearer \(Fixtures.defaultAPIKey)", "Content-Type": "application/json"]
        do {
            let emulator = try YousignEmulator(config)
            let body = Array(#"{"workflow_template_id": "\#(Fixtures.customerOnboardingTemplateID)", "name": "Concurrent"}"#.utf8)
            await withTaskGroup(of: Int.self) { group in
                for _ in 0..<40 {
                    group.addTask { await emulator.handle(WireRequest(method: "POST", target: "/v3/workflow_sessions", headers: headers, body: body)).status }
                }
                for await status in group { #expect(status == 201) }
            }
        }
        let reopened = try YousignEmulator(config)
        let list = await reopened.handle(WireRequest(method: "GET", target: "/v3/workflow_sessions", headers: headers))
        #expect((try JSONValue(parsing: list.body))["data"]?.arrayValue?.count == 40)
    }
}
