import Foundation
import JSONCodec
import Testing
@testable import YousignEmulator

@Suite("Verification lifecycle: pending, control surface, delay, webhooks, anonymization")
struct VerificationLifecycleTests {
    @Test("a pending_ name stays pending until the control surface completes it")
    func pendingThenComplete() async throws {
        let api = try TestAPI()
        try await api.subscribeToEverything()
        let r = try await api.identityDocument("pending_id_document_verification.pdf", fields: [("first_name", "Kelly"), ("last_name", "Smith")])
        #expect(r["status"] == "pending")
        #expect(r["data"]?["extracted_from_document"]?["first_name"] == .null)
        try await api.advance(seconds: 3600)
        #expect(try await api.get("/v3/verifications/identity_documents/\(r.id)")["status"] == "pending")
        #expect(try await api.deliveries().isEmpty)

        let done = try await api.complete("identity_documents", r.id, "verified")
        #expect(done.status == 200, "\(done)")
        #expect(done["status"] == "verified")
        #expect(done["status_codes"] == .array([]))
        #expect(done["updated_at"] == "2026-01-01T01:00:00+00:00")
        #expect(done["data"]?["extracted_from_document"]?["last_name"] == "Smith")
        let got = try await api.get("/v3/verifications/identity_documents/\(r.id)")
        #expect(got.json == done.json)
        let events = try await api.deliveries()
        #expect(events.map(\.name) == ["verification.identity_document.done"])
        // the webhook carries the meta fields of the §5.1 example only
        #expect(events[0].data == .object(["identity_document": .object([
            "id": .string(r.id), "workspace_id": .string(Fixtures.defaultWorkspaceID),
            "created_at": "2026-01-01T00:00:00+00:00", "updated_at": "2026-01-01T01:00:00+00:00",
            "status": "verified", "status_codes": .array([]), "data_anonymized": false])]))
    }

    @Test("control: failed gets the type's default codes unless given; final verifications cannot be completed again")
    func controlRules() async throws {
        let api = try TestAPI()
        let a = try await api.identityDocument("pending_id_document_verification.pdf")
        let failed = try await api.complete("identity_documents", a.id, "failed")
        #expect(failed["status_codes"] == .array(["IDDV_1706"]))
        let again = try await api.complete("identity_documents", a.id, "verified")
        #expect(again.status == 400)
        #expect(again["type"] == "verification.status_not_compatible")

        let b = try await api.identityDocument("pending_id_document_verification.pdf")
        let chosen = try await api.complete("identity_documents", b.id, "inconclusive", codes: ["IDDV_1200", "IDDV_1201"])
        #expect(chosen["status_codes"] == .array(["IDDV_1200", "IDDV_1201"]))

        let c = try await api.identityDocument("pending_id_document_verification.pdf")
        let notFinal = try await api.complete("identity_documents", c.id, "awaiting_data")
        #expect(notFinal.status == 400)
        #expect(notFinal["invalid_params"]?[0]?["name"] == "status")
        let codesOnSuccess = try await api.complete("identity_documents", c.id, "verified", codes: ["IDDV_1200"])
        #expect(codesOnSuccess.status == 400)
        let wrongFamily = try await api.complete("identity_documents", c.id, "failed", codes: ["POAV_1611"])
        #expect(wrongFamily.status == 400)
        #expect(try await api.complete("companies", c.id, "verified").status == 404)
        #expect(try await api.complete("passports", c.id, "verified").status == 404)
        #expect(try await api.get("/v3/verifications/identity_documents/\(c.id)")["status"] == "pending")
    }

    @Test("with a verification delay the create answers pending and the emulator clock completes it")
    func delayedCompletion() async throws {
        let api = try TestAPI(verificationDelay: 60)
        try await api.subscribeToEverything()
        let session = try await api.onboardingSession()
        let r = try await api.identityDocument("failed_id_document_verification.pdf", fields: [("workflow_session_id", session)])
        #expect(r["status"] == "pending")
        #expect(r["status_codes"] == .array([]))
        #expect(identityGroup(try await api.session(session))?["status"] == "ongoing")
        try await api.advance(seconds: 30)
        #expect(try await api.get("/v3/verifications/identity_documents/\(r.id)")["status"] == "pending")
        try await api.advance(seconds: 31)
        let done = try await api.get("/v3/verifications/identity_documents/\(r.id)")
        #expect(done["status"] == "failed")
        #expect(done["status_codes"] == .array(["IDDV_1706"]))
        #expect(done["updated_at"] == "2026-01-01T00:01:01+00:00")
        let s = try await api.session(session)
        #expect(identityGroup(s)?["status"] == "blocked")
        #expect(s["status"] == "blocked")
        let names = try await api.deliveries().map(\.name)
        #expect(names.contains("verification.identity_document.done"))
        #expect(names.contains("workflow_session.blocked"))
    }

    @Test("a delayed verification completed early through the control surface is not completed again by its timer")
    func controlBeatsTimer() async throws {
        let api = try TestAPI(verificationDelay: 60)
        try await api.subscribeToEverything()
        let r = try await api.identityDocument("verified_id_document_verification.pdf")
        #expect(try await api.complete("identity_documents", r.id, "inconclusive").status == 200)
        try await api.advance(seconds: 120)
        let got = try await api.get("/v3/verifications/identity_documents/\(r.id)")
        #expect(got["status"] == "inconclusive")
        #expect(try await api.deliveries().filter { $0.name == "verification.identity_document.done" }.count == 1)
    }

    @Test("seven days after its result, a verification is anonymized: same status, data nulled")
    func anonymization() async throws {
        let api = try TestAPI()
        let r = try await api.identityDocument("verified_id_document_verification.pdf", fields: [("first_name", "Kelly"), ("last_name", "Smith")])
        try await api.advance(seconds: 7 * 86_400 - 10)
        #expect(try await api.get("/v3/verifications/identity_documents/\(r.id)")["data_anonymized"] == false)
        try await api.advance(seconds: 20)
        let got = try await api.get("/v3/verifications/identity_documents/\(r.id)")
        #expect(got["status"] == "verified")
        #expect(got["data_anonymized"] == true)
        #expect(got["data"]?["extracted_from_document"]?["first_name"] == .null)
        #expect(got["data"]?["extracted_from_document"]?["mrz"] == .object(["line1": .null, "line2": .null, "line3": .null]))
    }

    @Test("an applicant-based verification waits in awaiting_data, joins the applicant's session, and completes through control")
    func applicantBased() async throws {
        let api = try TestAPI()
        let session = try await api.onboardingSession()
        let applicant = try await api.insertApplicant(session: session)
        let r = try await api.post("/v3/verifications/identity_documents", .object(["applicant_id": .string(applicant)]))
        #expect(r.status == 201, "\(r)")
        #expect(r["status"] == "awaiting_data")
        #expect(r["applicant_id"] == .string(applicant))
        #expect(r["workflow_session_id"] == .string(session))
        #expect(identityGroup(try await api.session(session))?["status"] == "ongoing")
        let done = try await api.complete("identity_documents", r.id, "verified")
        #expect(done["data"]?["extracted_from_document"]?["first_name"] == "Kelly")
        #expect(identityGroup(try await api.session(session))?["status"] == "done")

        let unknown = try await api.post("/v3/verifications/identity_documents", .object(["applicant_id": "00000000-0000-4000-8000-00000000beef"]))
        #expect(unknown.status == 400)
        #expect(unknown["invalid_params"] == .array([.object(["name": "applicant_id", "reason": "Applicant not found."])]))
        let extra = try await api.post("/v3/verifications/identity_documents", .object(["applicant_id": .string(applicant), "first_name": "K"]))
        #expect(extra.status == 400)
        #expect(extra["invalid_params"]?[0]?["name"] == "first_name")
    }
}
