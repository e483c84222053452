import Foundation
import JSONCodec
import Testing
@testable import YousignEmulator

@Suite("Verifications in workflow sessions")
struct VerificationSessionTests {
    @Test("identity group: awaiting → ongoing (pending) → done (verified), with group and session webhooks")
    func awaitingToDone() async throws {
        let api = try TestAPI()
        try await api.subscribeToEverything()
        let session = try await api.onboardingSession()
        #expect(identityGroup(try await api.session(session))?["status"] == "awaiting")
        let r = try await api.identityDocument("pending_id_document_verification.pdf", fields: [("workflow_session_id", session)])
        var s = try await api.session(session)
        #expect(identityGroup(s)?["status"] == "ongoing")
        #expect(identityGroup(s)?["actions"]?[0]?["resource"]?["status"] == "pending")
        #expect(s["status"] == "ongoing")
        _ = try await api.complete("identity_documents", r.id, "verified")
        s = try await api.session(session)
        #expect(identityGroup(s)?["status"] == "done")
        #expect(identityGroup(s)?["actions"]?[0]?["resource"]?["status"] == "verified")
        let names = try await api.deliveries().map(\.name)
        #expect(names == ["workflow_action_group.started", "workflow_session.started",
                          "verification.identity_document.done", "workflow_action_group.done"])
    }

    @Test("a failed verification blocks the group and the session")
    func blocked() async throws {
        let api = try TestAPI()
        let session = try await api.onboardingSession()
        let r = try await api.identityDocument("failed_id_document_verification.pdf", fields: [("workflow_session_id", session)])
        #expect(r["status"] == "failed")
        let s = try await api.session(session)
        #expect(identityGroup(s)?["status"] == "blocked")
        #expect(s["status"] == "blocked")
    }

    @Test("a retry with previous_attempt_id replaces the action's resource and moves the old attempt into previous_attempts")
    func retry() async throws {
        let api = try TestAPI()
        let session = try await api.onboardingSession()
        let first = try await api.identityDocument("failed_id_document_verification.pdf", fields: [("workflow_session_id", session)])
        let second = try await api.identityDocument("verified_id_document_verification.pdf", fields: [
            ("workflow_session_id", session), ("previous_attempt_id", first.id)])
        #expect(second.status == 201, "\(second)")
        #expect(second["previous_attempt_id"] == .string(first.id))
        let s = try await api.session(session)
        let actions = identityGroup(s)?["actions"]?.arrayValue ?? []
        #expect(actions.count == 1)
        #expect(actions[0]["resource"]?["id"] == .string(second.id))
        #expect(actions[0]["resource"]?["previous_attempt_id"] == .string(first.id))
        #expect(actions[0]["previous_attempts"] == .array([.object(["resource": .object([
            "id": .string(first.id), "created_at": "2026-01-01T00:00:00+00:00", "type": "identity_document_verification",
            "status": "failed", "previous_attempt_id": .null])])]))
        #expect(identityGroup(s)?["status"] == "done")
    }

    @Test("retrying a verified attempt, an attempt of another type, or without a session is refused")
    func retryRefused() async throws {
        let api = try TestAPI(fixtures: {
            var f = Fixtures.defaults
            f.templates.append(.init(id: "7e3b1f00-0000-4000-8000-00000000f00d", name: "KYC",
                                     actionGroups: ["identity_verification", "proof_of_address_verification"]))
            return f
        }())
        let session = try await api.onboardingSession(template: "7e3b1f00-0000-4000-8000-00000000f00d")
        let verified = try await api.identityDocument("verified_id_document_verification.pdf", fields: [("workflow_session_id", session)])
        let retryVerified = try await api.identityDocument("verified_id_document_verification.pdf", fields: [
            ("workflow_session_id", session), ("previous_attempt_id", verified.id)])
        #expect(retryVerified.status == 400)
        #expect(retryVerified["invalid_params"]?[0]?["name"] == "previous_attempt_id")

        let poa = try await api.upload("/v3/verifications/proofs_of_address", file: "failed_proof_of_address_verification.pdf",
                                       fields: [("workflow_session_id", session)])
        let crossType = try await api.identityDocument("verified_id_document_verification.pdf", fields: [
            ("workflow_session_id", session), ("previous_attempt_id", poa.id)])
        #expect(crossType.status == 400)
        let noSession = try await api.identityDocument("verified_id_document_verification.pdf", fields: [("previous_attempt_id", poa.id)])
        #expect(noSession.status == 400)
        // nothing was stored by the refused requests
        let list = try await api.get("/v3/verifications/identity_documents")
        #expect(list["data"]?.arrayValue?.count == 1)
    }

    @Test("a session without the matching group refuses the verification; unknown sessions are a validation error")
    func sessionChecks() async throws {
        let api = try TestAPI()
        let session = try await api.onboardingSession()
        let watchlist = try await api.post("/v3/verifications/watchlists", .object([
            "natural_person": .object(["first_name": "Kelly", "last_name": "Smith", "born_on": "1990-01-01"]),
            "workflow_session_id": .string(session)]))
        #expect(watchlist.status == 400)
        #expect(watchlist["type"] == "workflow_session.action_group_not_found")
        let unknown = try await api.identityDocument("verified_id_document_verification.pdf", fields: [
            ("workflow_session_id", "00000000-0000-4000-8000-00000000dead")])
        #expect(unknown.status == 400)
        #expect(unknown["invalid_params"]?[0]?["name"] == "workflow_session_id")
    }

    @Test("business onboarding: company, watchlist and bank account lookup groups follow their verifications")
    func businessGroups() async throws {
        let api = try TestAPI()
        let session = try await api.onboardingSession(template: Fixtures.businessOnboardingTemplateID)
        let company = try await api.post("/v3/verifications/companies", .object([
            "company_number": "123456789", "country_code": "FR", "workflow_session_id": .string(session)]))
        #expect(company["workspace_id"] == .string(Fixtures.businessWorkspaceID), "the session's workspace")
        _ = try await api.post("/v3/verifications/watchlists", .object([
            "natural_person": .object(["first_name": "Kelly", "last_name": "Smith", "born_on": "1990-01-01"]),
            "workflow_session_id": .string(session)]))
        _ = try await api.post("/v3/verifications/bank_account_lookups", .object([
            "iban": "FR7630004005503221042773459", "natural_person": .object(["first_name": "Kelly", "last_name": "Smith"]),
            "workflow_session_id": .string(session)]))
        let s = try await api.session(session)
        let statuses = s["action_groups"]?.arrayValue?.compactMap { $0["status"]?.stringValue }
        #expect(statuses == ["done", "done", "blocked", "awaiting"])
        #expect(s["action_groups"]?[2]?["actions"]?[0]?["resource"]?["type"] == "bank_account_lookup_verification")
        #expect(s["status"] == "blocked")
    }
}
