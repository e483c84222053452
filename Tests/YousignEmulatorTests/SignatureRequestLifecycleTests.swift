import Foundation
import JSONCodec
import Testing
@testable import YousignEmulator

@Suite("Signature request lifecycle")
struct SignatureRequestLifecycleTests {
    @Test("create → document → signer → activate → sign → done, with timestamps, links, downloads and webhooks")
    func wholeLifecycle() async throws {
        let api = try TestAPI()
        try await api.subscribeToEverything()
        let created = try await api.post("/v3/signature_requests", .object(["name": "Contract", "delivery_mode": "none"]))
        #expect(created.status == 201, "\(created)")
        #expect(created["status"] == "draft")
        for key in ["activated_at", "completed_at", "approved_at", "decline_information", "rejection_information",
                    "workflow_session_id", "previous_attempt_id", "external_id", "sender", "bulk_send_batch_id", "reminder_settings"] {
            #expect(created[key] == .null, "\(key)")
        }
        #expect(created["source"] == "public_api")
        #expect(created["workspace_id"] == .string(Fixtures.defaultWorkspaceID))
        #expect(created["timezone"] == "Europe/Paris")
        // the default 6 months, to the end of the day in Paris (summer time)
        #expect(created["expiration_date"] == "2026-07-01T21:59:59+00:00")
        #expect(created["signers"] == .array([]) && created["documents"] == .array([]) && created["custom_properties"] == .array([]))
        let sr = created.id

        let doc = try await api.upload(sr)
        #expect(doc.status == 201, "\(doc)")
        #expect(doc["total_pages"] == 1)
        #expect(doc["content_type"] == "application/pdf")
        #expect(doc["sha256"]?.stringValue?.count == 64)
        #expect(doc["is_locked"] == false && doc["initials"] == .null && doc["total_anchors"] == 0)
        let signer = try await api.addSigner(sr, document: doc.id)
        #expect(signer.status == 201, "\(signer)")
        #expect(signer["status"] == "initiated")
        #expect(signer["fields"]?.arrayValue?.count == 1)
        #expect(signer["fields"]?[0]?["type"] == "signature" && signer["fields"]?[0]?["width"] == 85 && signer["fields"]?[0]?["height"] == 37)

        let activated = try await api.post("/v3/signature_requests/\(sr)/activate")
        #expect(activated.status == 201, "\(activated)")
        #expect(activated["status"] == "ongoing")
        #expect(activated["activated_at"] == "2026-01-01T00:00:00+00:00")
        #expect(activated["signers"]?[0]?["status"] == "notified")
        #expect(activated["signers"]?[0]?["signature_link"]?.stringValue?.hasPrefix("https://") == true)
        #expect(activated["signers"]?[0]?["signature_link_expiration_date"] == "2026-01-03T00:00:00+00:00")
        #expect(activated["workspace_id"] == nil && activated["source"] == nil && activated["email_notification"] == nil)

        let early = try await api.get("/v3/signature_requests/\(sr)/documents/download?version=completed")
        #expect(early.status == 400)
        #expect(early["type"] == "document.unable_to_download_signature_request_not_in_done")

        let signed = try await api.control("/signature_requests/\(sr)/signers/\(signer.id)/sign")
        #expect(signed.status == 200, "\(signed)")
        #expect(signed["status"] == "done")
        #expect(signed["completed_at"] == "2026-01-01T00:00:00+00:00")
        #expect(signed["signers"] == .array([.object(["id": .string(signer.id), "status": "signed"])]))
        let signerAfter = try await api.get("/v3/signature_requests/\(sr)/signers/\(signer.id)")
        #expect(signerAfter["signed_at"] == "2026-01-01T00:00:00+00:00")

        let completed = try await api.get("/v3/signature_requests/\(sr)/documents/download?version=completed")
        #expect(completed.status == 200)
        #expect(completed.response.headers["Content-Type"] == "application/pdf")
        #expect(completed.response.body == samplePDF)
        let trail = try await api.get("/v3/signature_requests/\(sr)/audit_trails/download")
        #expect(trail.status == 200)
        #expect(trail.response.body.starts(with: Array("%PDF-".utf8)))
        let signerTrail = try await api.get("/v3/signature_requests/\(sr)/signers/\(signer.id)/audit_trails")
        #expect(signerTrail["signer"]?["email"] == "kelly@example.com")
        // signed through the control surface: no IP or consent time, left out rather than null
        #expect(signerTrail["signer"]?["ip_address"] == nil)
        #expect(signerTrail["signer"]?.objectValue?.values.contains(.null) == false)
        #expect(signerTrail["documents"]?.arrayValue?.count == 1)

        let events = try await api.deliveries()
        #expect(events.map(\.name) == ["signature_request.activated", "signer.notified", "signer.done", "signature_request.done"])
        #expect(events[2].data["signer"]?["id"] == .string(signer.id))
        #expect(events[3].data["signature_request"]?["status"] == "done")
    }

    @Test("approval: approve → ongoing with approved_at and signers notified; reject → rejected with rejection_information")
    func approvals() async throws {
        let api = try TestAPI()
        try await api.subscribeToEverything()
        let (sr, signer) = try await api.readyRequest()
        let approver = try await api.post("/v3/signature_requests/\(sr)/approvers", .object(["info": .object([
            "first_name": "Ann", "last_name": "Approver", "email": "ann@example.com", "locale": "en"])]))
        #expect(approver.status == 201, "\(approver)")
        #expect(approver["status"] == "initiated" && approver["approval_link"] == .null && approver["approved_at"] == .null)
        let activated = try await api.post("/v3/signature_requests/\(sr)/activate")
        #expect(activated["status"] == "approval")
        #expect(activated["approvers"]?[0]?["status"] == "notified")
        #expect(activated["approvers"]?[0]?["approval_link"]?.stringValue?.hasPrefix("https://") == true)
        #expect(activated["signers"]?[0]?["status"] == "initiated")
        #expect(activated["signers"]?[0]?["signature_link"] == .null)
        let notYet = try await api.control("/signature_requests/\(sr)/signers/\(signer)/sign")
        #expect(notYet.status == 400)
        #expect(notYet["type"] == "signature_request.status_not_compatible")

        let approved = try await api.control("/signature_requests/\(sr)/approvers/\(approver.id)/approve")
        #expect(approved.status == 200, "\(approved)")
        #expect(approved["status"] == "ongoing")
        #expect(approved["approved_at"] == "2026-01-01T00:00:00+00:00")
        #expect(approved["signers"]?[0]?["status"] == "notified")
        #expect(try await api.get("/v3/signature_requests/\(sr)/approvers/\(approver.id)")["approved_at"] == "2026-01-01T00:00:00+00:00")
        #expect(try await api.deliveries().map(\.name) == [
            "signature_request.activated", "approver.notified", "approver.approved", "signature_request.approved", "signer.notified"])

        let (sr2, signer2) = try await api.readyRequest()
        let approver2 = try await api.post("/v3/signature_requests/\(sr2)/approvers", .object(["info": .object([
            "first_name": "Bob", "last_name": "Approver", "email": "bob@example.com", "locale": "fr"])]))
        _ = try await api.post("/v3/signature_requests/\(sr2)/activate")
        let rejected = try await api.control("/signature_requests/\(sr2)/approvers/\(approver2.id)/reject", ["reason": "Wrong amount"])
        #expect(rejected.status == 200, "\(rejected)")
        #expect(rejected["status"] == "rejected")
        #expect(rejected["rejection_information"] == .object([
            "approver_id": .string(approver2.id), "reason": "Wrong amount", "rejected_at": "2026-01-01T00:00:00+00:00"]))
        #expect(rejected["signers"]?[0]?["id"] == .string(signer2) && rejected["signers"]?[0]?["status"] == "aborted")
        let names = try await api.deliveries().map(\.name)
        #expect(Array(names.suffix(2)) == ["approver.rejected", "signature_request.rejected"])
        let again = try await api.control("/signature_requests/\(sr2)/approvers/\(approver2.id)/approve")
        #expect(again["type"] == "signature_request.status_not_compatible")
    }

    @Test("decline needs signers_allowed_to_decline; it sets decline_information and aborts the other signers")
    func decline() async throws {
        let api = try TestAPI()
        try await api.subscribeToEverything()
        let (strict, strictSigner) = try await api.readyRequest()
        _ = try await api.post("/v3/signature_requests/\(strict)/activate")
        let refused = try await api.control("/signature_requests/\(strict)/signers/\(strictSigner)/decline", ["reason": "No"])
        #expect(refused.status == 400)
        #expect(refused["type"] == "signer.decline_not_allowed")

        let (sr, first) = try await api.readyRequest(extra: ["signers_allowed_to_decline": true])
        let doc = try await api.get("/v3/signature_requests/\(sr)/documents")
        let second = try await api.addSigner(sr, document: doc.json[0]?["id"]?.stringValue ?? "", email: "second@example.com")
        _ = try await api.post("/v3/signature_requests/\(sr)/activate")
        let declined = try await api.control("/signature_requests/\(sr)/signers/\(first)/decline", ["reason": "Not my contract"])
        #expect(declined.status == 200, "\(declined)")
        #expect(declined["status"] == "declined")
        #expect(declined["decline_information"] == .object([
            "signer_id": .string(first), "reason": "Not my contract", "declined_at": "2026-01-01T00:00:00+00:00"]))
        #expect(declined["signers"] == .array([
            .object(["id": .string(first), "status": "declined"]), .object(["id": .string(second.id), "status": "aborted"])]))
        #expect(Array(try await api.deliveries().map(\.name).suffix(2)) == ["signer.declined", "signature_request.declined"])
    }

    @Test("cancel: only in approval/ongoing, with a reason; signers who had not signed are aborted")
    func cancel() async throws {
        let api = try TestAPI()
        let (sr, signer) = try await api.readyRequest()
        let draft = try await api.post("/v3/signature_requests/\(sr)/cancel", .object(["reason": "other"]))
        #expect(draft.status == 400)
        #expect(draft["type"] == "signature_request.status_not_compatible")
        _ = try await api.post("/v3/signature_requests/\(sr)/activate")
        let badReason = try await api.post("/v3/signature_requests/\(sr)/cancel", .object(["reason": "bored", "custom_note": "see https://x.io"]))
        #expect(badReason.status == 400)
        #expect(badReason["invalid_params"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted() == ["custom_note", "reason"])
        let canceled = try await api.post("/v3/signature_requests/\(sr)/cancel", .object(["reason": "errors_in_document", "custom_note": "Typo"]))
        #expect(canceled.status == 201, "\(canceled)")
        #expect(canceled["status"] == "canceled")
        #expect(canceled["signers"]?[0]?["status"] == "aborted")
        let twice = try await api.post("/v3/signature_requests/\(sr)/cancel", .object(["reason": "other"]))
        #expect(twice["type"] == "signature_request.status_not_compatible")
        let reactivate = try await api.post("/v3/signature_requests/\(sr)/reactivate", .object(["expiration_date": "2026-03-01"]))
        #expect(reactivate["type"] == "signature_request.status_not_compatible")
        #expect(try await api.control("/signature_requests/\(sr)/signers/\(signer)/sign").status == 400)
    }

    @Test("expiry on the emulator clock, then reactivate with a new expiration date")
    func expiryAndReactivation() async throws {
        let api = try TestAPI()
        try await api.subscribeToEverything()
        let (sr, signer) = try await api.readyRequest(extra: ["expiration_date": "2026-01-10"])
        #expect(try await api.get("/v3/signature_requests/\(sr)")["expiration_date"] == "2026-01-10T22:59:59+00:00")
        _ = try await api.post("/v3/signature_requests/\(sr)/activate")
        try await api.advance(seconds: 9 * 86_400)
        #expect(try await api.get("/v3/signature_requests/\(sr)")["status"] == "ongoing")
        try await api.advance(seconds: 86_400)
        let expired = try await api.get("/v3/signature_requests/\(sr)")
        #expect(expired["status"] == "expired")
        #expect(try await api.deliveries().map(\.name).last == "signature_request.expired")
        #expect(try await api.control("/signature_requests/\(sr)/signers/\(signer)/sign")["type"] == "signature_request.status_not_compatible")

        let past = try await api.post("/v3/signature_requests/\(sr)/reactivate", .object(["expiration_date": "2026-01-05"]))
        #expect(past.status == 400)
        #expect(past["type"] == "date.out_of_range")
        let reactivated = try await api.post("/v3/signature_requests/\(sr)/reactivate", .object(["expiration_date": "2026-02-01"]))
        #expect(reactivated.status == 201, "\(reactivated)")
        #expect(reactivated["status"] == "ongoing")
        #expect(reactivated["expiration_date"] == "2026-02-01T22:59:59+00:00")
        #expect(try await api.deliveries().map(\.name).last == "signature_request.reactivated")
        #expect(try await api.control("/signature_requests/\(sr)/signers/\(signer)/sign")["status"] == "done")
        // done is terminal: the rescheduled expiry no longer applies
        try await api.advance(seconds: 40 * 86_400)
        #expect(try await api.get("/v3/signature_requests/\(sr)")["status"] == "done")
    }

    @Test("delete: soft (still readable, status deleted), permanent (404 after), never while ongoing")
    func delete() async throws {
        let api = try TestAPI()
        try await api.subscribeToEverything()
        let (sr, _) = try await api.readyRequest()
        #expect(try await api.delete("/v3/signature_requests/\(sr)").status == 204)
        let soft = try await api.get("/v3/signature_requests/\(sr)")
        #expect(soft.status == 200)
        #expect(soft["status"] == "deleted")
        #expect(try await api.delete("/v3/signature_requests/\(sr)")["type"] == "signature_request.status_not_compatible")
        #expect(try await api.delete("/v3/signature_requests/\(sr)?permanent_delete=true").status == 204)
        let gone = try await api.get("/v3/signature_requests/\(sr)")
        #expect(gone.status == 404)
        #expect(gone["type"] == "resource.not_found")
        #expect(try await api.deliveries().map(\.name) == ["signature_request.deleted", "signature_request.permanently_deleted"])

        let (ongoing, _) = try await api.readyRequest()
        _ = try await api.post("/v3/signature_requests/\(ongoing)/activate")
        for target in ["/v3/signature_requests/\(ongoing)", "/v3/signature_requests/\(ongoing)?permanent_delete=true"] {
            let refused = try await api.delete(target)
            #expect(refused.status == 400)
            #expect(refused["type"] == "signature_request.status_not_compatible")
        }
        #expect(try await api.delete("/v3/signature_requests/\(ongoing)?permanent_delete=maybe")["type"] == "validation.error")
    }

    @Test("ordered signers are notified one after the other; only the current one can sign")
    func orderedSigners() async throws {
        let api = try TestAPI()
        let (sr, first) = try await api.readyRequest(extra: ["ordered_signers": true])
        let docs = try await api.get("/v3/signature_requests/\(sr)/documents")
        let second = try await api.addSigner(sr, document: docs.json[0]?["id"]?.stringValue ?? "", email: "second@example.com")
        #expect(second["recipient_stage_index"] == 1)
        let activated = try await api.post("/v3/signature_requests/\(sr)/activate")
        #expect(activated["signers"]?[0]?["status"] == "notified")
        #expect(activated["signers"]?[1]?["status"] == "initiated")
        let early = try await api.control("/signature_requests/\(sr)/signers/\(second.id)/sign")
        #expect(early.status == 400)
        #expect(early["type"] == "signer.status_not_compatible")
        let afterFirst = try await api.control("/signature_requests/\(sr)/signers/\(first)/sign")
        #expect(afterFirst["status"] == "ongoing")
        #expect(afterFirst["signers"]?[1]?["status"] == "notified")
        #expect(try await api.control("/signature_requests/\(sr)/signers/\(second.id)/sign")["status"] == "done")
    }

    @Test("a request linked to a workflow session moves its signature_request group awaiting → ongoing → done")
    func workflowSession() async throws {
        let api = try TestAPI()
        let session = try await api.post("/v3/workflow_sessions", .object([
            "workflow_template_id": .string(Fixtures.customerOnboardingTemplateID), "name": "Onboarding of Kelly"]))
        func group() async throws -> (String?, String?) {
            let s = try await api.get("/v3/workflow_sessions/\(session.id)")
            return (s["action_groups"]?[1]?["status"]?.stringValue, s["status"]?.stringValue)
        }
        let (sr, signer) = try await api.readyRequest(extra: ["workflow_session_id": .string(session.id)])
        #expect(try await api.get("/v3/signature_requests/\(sr)")["workflow_session_id"] == .string(session.id))
        let linked = try await api.get("/v3/workflow_sessions/\(session.id)")
        #expect(linked["action_groups"]?[1]?["actions"]?[0]?["resource"]?["id"] == .string(sr))
        #expect(linked["action_groups"]?[1]?["actions"]?[0]?["resource"]?["status"] == "draft")
        #expect(try await group() == ("awaiting", "awaiting"))
        _ = try await api.post("/v3/signature_requests/\(sr)/activate")
        #expect(try await group() == ("ongoing", "ongoing"))
        _ = try await api.control("/signature_requests/\(sr)/signers/\(signer)/sign")
        // the identity group is still awaiting: done plus awaiting is ongoing (§9.1)
        #expect(try await group() == ("done", "ongoing"))

        let unknown = try await api.post("/v3/signature_requests", .object([
            "name": "x", "delivery_mode": "none", "workflow_session_id": "00000000-0000-4000-8000-00000000ffff"]))
        #expect(unknown.status == 400)
        #expect(unknown["invalid_params"]?[0]?["name"] == "workflow_session_id")
    }

    @Test("a blocked request is retried with previous_attempt_id; the session follows the new attempt")
    func retry() async throws {
        let api = try TestAPI()
        let session = try await api.post("/v3/workflow_sessions", .object([
            "workflow_template_id": .string(Fixtures.customerOnboardingTemplateID), "name": "Retry"]))
        let (sr, _) = try await api.readyRequest(extra: ["workflow_session_id": .string(session.id)])
        _ = try await api.post("/v3/signature_requests/\(sr)/activate")
        _ = try await api.post("/v3/signature_requests/\(sr)/cancel", .object(["reason": "other"]))
        #expect(try await api.get("/v3/workflow_sessions/\(session.id)")["action_groups"]?[1]?["status"] == "blocked")
        let retry = try await api.post("/v3/signature_requests", .object([
            "signature_request_id": .string(sr), "workflow_session_id": .string(session.id), "previous_attempt_id": .string(sr)]))
        #expect(retry.status == 201, "\(retry)")
        #expect(retry["previous_attempt_id"] == .string(sr))
        let s = try await api.get("/v3/workflow_sessions/\(session.id)")
        #expect(s["action_groups"]?[1]?["status"] == "awaiting")
        #expect(s["action_groups"]?[1]?["actions"]?[0]?["resource"]?["id"] == .string(retry.id))
        #expect(s["action_groups"]?[1]?["actions"]?[0]?["previous_attempts"]?[0]?["resource"]?["id"] == .string(sr))
    }
}

// MARK: - helpers shared by the signature request suites

extension TestAPI {
    /// A control-surface call (`/_emulator/...`).
    func control(_ path: String, _ body: JSONObject? = nil) async throws -> Reply {
        try await call("POST", "/_emulator\(path)", json: body.map(JSONValue.object), auth: false)
    }

    func upload(_ sr: String, nature: String = "signable_document", filename: String = "contract.pdf",
                contentType: String = "application/pdf", bytes: [UInt8] = samplePDF, fields: [(String, String)] = []) async throws -> Reply {
        try await multipart("POST", "/v3/signature_requests/\(sr)/documents", fields: [("nature", nature)] + fields,
                            files: [(field: "file", filename: filename, contentType: contentType, bytes: bytes)])
    }

    /// A signer with a signature field on `document`.
    func addSigner(_ sr: String, document: String, email: String = "kelly@example.com", extra: JSONObject = [:]) async throws -> Reply {
        var body: JSONObject = [
            "info": .object(["first_name": "Kelly", "last_name": "Smith", "email": .string(email), "locale": "en"]),
            "signature_level": "electronic_signature",
            "fields": .array([.object(["type": "signature", "document_id": .string(document), "page": 1, "x": 100, "y": 600])]),
        ]
        for (k, v) in extra { body[k] = v }
        return try await post("/v3/signature_requests/\(sr)/signers", .object(body))
    }

    /// A draft that can be activated: one PDF and one signer with a signature field.
    func readyRequest(name: String = "Contract", extra: JSONObject = [:]) async throws -> (sr: String, signer: String) {
        var body: JSONObject = ["name": .string(name), "delivery_mode": "none"]
        for (k, v) in extra { body[k] = v }
        let sr = try await post("/v3/signature_requests", .object(body))
        #expect(sr.status == 201, "\(sr)")
        let doc = try await upload(sr.id)
        let signer = try await addSigner(sr.id, document: doc.id)
        #expect(signer.status == 201, "\(signer)")
        return (sr.id, signer.id)
    }
}
