import Foundation
import JSONCodec
import Testing
@testable import YousignEmulator

@Suite("Identity document verifications")
struct VerificationIdentityDocumentTests {
    static let fullKeys = ["applicant_id", "created_at", "data", "data_anonymized", "id", "previous_attempt_id", "status",
                           "status_codes", "updated_at", "workflow_session_id", "workspace_id"]

    @Test("multipart with names: 201, verified at once, names read back from the document, every key present")
    func createWithNames() async throws {
        let api = try TestAPI()
        let r = try await api.identityDocument("verified_id_document_verification.pdf",
                                               fields: [("first_name", "Kelly"), ("last_name", "Smith"), ("type", "passport")])
        #expect(r.status == 201, "\(r)")
        #expect(r.json.objectValue?.keys.sorted() == Self.fullKeys)
        #expect(r["status"] == "verified")
        #expect(r["status_codes"] == .array([]))
        #expect(r["workspace_id"] == .string(Fixtures.defaultWorkspaceID))
        #expect(r["workflow_session_id"] == .null && r["previous_attempt_id"] == .null && r["applicant_id"] == .null)
        #expect(r["created_at"] == "2026-01-01T00:00:00+00:00")
        let extracted = r["data"]?["extracted_from_document"]
        #expect(extracted?["first_name"] == "Kelly")
        #expect(extracted?["last_name"] == "Smith")
        #expect(extracted?["type"] == "passport")
        #expect(extracted?["issuing_country_code"] == "FR")
        #expect(extracted?["mrz"]?["line1"]?.stringValue?.hasPrefix("P<FRASMITH<<KELLY") == true)
        #expect(extracted?["mrz"]?["line3"] == .null)
        #expect(extracted?.objectValue?.count == 14)
    }

    @Test("multipart without names checks the document only; a lone first_name is refused")
    func withoutNames() async throws {
        let api = try TestAPI()
        let r = try await api.identityDocument("verified_id_document_verification.jpg")
        #expect(r.status == 201)
        #expect(r["data"]?["extracted_from_document"]?["first_name"] == "Camille")
        let lone = try await api.identityDocument("verified_id_document_verification.jpg", fields: [("first_name", "Kelly")])
        #expect(lone.status == 400)
        #expect(lone["type"] == "validation.error")
        #expect(lone["invalid_params"] == .array([.object(["name": "last_name", "reason": "This field is missing."])]))
    }

    @Test("a failed or inconclusive result carries status codes and no extracted data")
    func failedHasCodes() async throws {
        let api = try TestAPI()
        let failed = try await api.identityDocument("passport-scan.pdf", fields: [("first_name", "Kelly"), ("last_name", "Smith")])
        #expect(failed["status"] == "failed")
        #expect(failed["status_codes"] == .array(["IDDV_1706"]))
        #expect(failed["data"]?["extracted_from_document"]?["first_name"] == .null)
        let inconclusive = try await api.identityDocument("inconclusive_id_document_verification.png")
        #expect(inconclusive["status"] == "inconclusive")
        #expect(inconclusive["status_codes"] == .array(["IDDV_1103"]))
    }

    @Test("seed guide identity step: magic file with names, linked to the session, makes the identity group done")
    func seedGuideStep() async throws {
        let api = try TestAPI()
        let session = try await api.onboardingSession()
        let r = try await api.identityDocument("verified_id_document_verification.pdf", fields: [
            ("first_name", "Kelly"), ("last_name", "Smith"), ("workflow_session_id", session)])
        #expect(r.status == 201, "\(r)")
        #expect(r["status"] == "verified")
        #expect(r["workflow_session_id"] == .string(session))
        let s = try await api.session(session)
        #expect(identityGroup(s)?["status"] == "done")
        #expect(identityGroup(s)?["actions"]?[0]?["resource"] == .object([
            "id": .string(r.id), "created_at": "2026-01-01T00:00:00+00:00", "type": "identity_document_verification",
            "status": "verified", "previous_attempt_id": .null]))
        // a done identity group beside an awaiting signature group: the session is ongoing (§9.1)
        #expect(s["status"] == "ongoing")
    }

    @Test("list: {meta, data} of meta items, filtered by status and workspace, paginated")
    func list() async throws {
        let api = try TestAPI()
        let a = try await api.identityDocument("verified_id_document_verification.pdf")
        let b = try await api.identityDocument("failed_id_document_verification.pdf")
        let c = try await api.upload("/v3/verifications/identity_documents", file: "verified_id_document_verification.pdf",
                                     fields: [("workspace_id", Fixtures.businessWorkspaceID)])
        _ = try await api.upload("/v3/verifications/proofs_of_address", file: "verified_proof_of_address_verification.pdf")
        let all = try await api.get("/v3/verifications/identity_documents")
        #expect(all.status == 200)
        #expect(all["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [a.id, b.id, c.id])
        #expect(all["meta"]?["next_cursor"] == .null)
        #expect(all["data"]?[0]?["data"] == nil, "list items are the meta shape")
        #expect(all["data"]?[0]?.objectValue?.keys.sorted() == Self.fullKeys.filter { $0 != "data" })
        let failed = try await api.get("/v3/verifications/identity_documents?status[eq]=failed")
        #expect(failed["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [b.id])
        let business = try await api.get("/v3/verifications/identity_documents?workspace_id[eq]=\(Fixtures.businessWorkspaceID)")
        #expect(business["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [c.id])
        let page = try await api.get("/v3/verifications/identity_documents?limit=2")
        #expect(page["data"]?.arrayValue?.count == 2)
        let cursor = try #require(page["meta"]?["next_cursor"]?.stringValue)
        let next = try await api.get("/v3/verifications/identity_documents?limit=2&after=\(cursor)")
        #expect(next["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [c.id])
        let badFilter = try await api.get("/v3/verifications/identity_documents?status[in]=failed")
        #expect(badFilter.status == 400)
        let badLimit = try await api.get("/v3/verifications/identity_documents?limit=0")
        #expect(badLimit.status == 400)
    }

    @Test("get: unknown ids and other types' ids are 404")
    func getNotFound() async throws {
        let api = try TestAPI()
        let poa = try await api.upload("/v3/verifications/proofs_of_address", file: "verified_proof_of_address_verification.pdf")
        let wrongType = try await api.get("/v3/verifications/identity_documents/\(poa.id)")
        #expect(wrongType.status == 404)
        #expect(wrongType["type"] == "resource.not_found")
        #expect(try await api.get("/v3/verifications/identity_documents/00000000-0000-4000-8000-00000000ffff").status == 404)
        #expect(try await api.get("/v3/verifications/identity_documents/nope").status == 404)
        #expect(try await api.call("DELETE", "/v3/verifications/identity_documents/\(poa.id)").status == 405)
    }

    @Test("audit trail: a PDF for verified and failed, 400 while pending")
    func auditTrail() async throws {
        let api = try TestAPI()
        for name in ["verified_id_document_verification.pdf", "failed_id_document_verification.pdf"] {
            let v = try await api.identityDocument(name)
            let pdf = try await api.get("/v3/verifications/identity_documents/\(v.id)/audit_trail")
            #expect(pdf.status == 200)
            #expect(pdf.response.headers["Content-Type"] == "application/pdf")
            #expect(pdf.response.bodyText.hasPrefix("%PDF-1.4"))
            #expect(pdf.response.bodyText.contains(v.id))
        }
        let pending = try await api.identityDocument("pending_id_document_verification.pdf")
        let refused = try await api.get("/v3/verifications/identity_documents/\(pending.id)/audit_trail")
        #expect(refused.status == 400)
        #expect(refused["type"] == "audit_trail.not_ready_for_download")
        let inconclusive = try await api.identityDocument("inconclusive_id_document_verification.pdf")
        #expect(try await api.get("/v3/verifications/identity_documents/\(inconclusive.id)/audit_trail").status == 400)
        let wrongType = try await api.get("/v3/verifications/watchlists/\(pending.id)/audit_trail")
        #expect(wrongType.status == 404)
        let unknownType = try await api.get("/v3/verifications/passports/\(pending.id)/audit_trail")
        #expect(unknownType.status == 400)
    }
}
