import Foundation
import JSONCodec
import Testing
@testable import YousignEmulator

/// Helpers the verification and document analysis tests share.
extension TestAPI {
    /// `POST /v3/verifications/{type}` (or `/v3/document_analyses`) with one uploaded `file`.
    func upload(_ path: String, file name: String, fields: [(String, String)] = [], contentType: String = "application/pdf",
                bytes: [UInt8] = samplePDF) async throws -> Reply {
        try await multipart("POST", path, fields: fields, files: [(field: "file", filename: name, contentType: contentType, bytes: bytes)])
    }

    func identityDocument(_ name: String, fields: [(String, String)] = []) async throws -> Reply {
        try await upload("/v3/verifications/identity_documents", file: name, fields: fields)
    }

    /// A session of the "Customer onboarding" template (identity_verification + signature_request).
    func onboardingSession(template: String = Fixtures.customerOnboardingTemplateID) async throws -> String {
        let r = try await post("/v3/workflow_sessions", .object(["workflow_template_id": .string(template), "name": "Onboarding"]))
        #expect(r.status == 201, "\(r)")
        return r.id
    }

    func session(_ id: String) async throws -> Reply { try await get("/v3/workflow_sessions/\(id)") }

    /// `POST /_emulator/verifications/{type}/{id}/complete`.
    func complete(_ type: String, _ id: String, _ status: String, codes: [String]? = nil) async throws -> Reply {
        var body: JSONObject = ["status": .string(status)]
        if let codes { body["status_codes"] = .array(codes.map(JSONValue.string)) }
        return try await call("POST", "/_emulator/verifications/\(type)/\(id)/complete", json: .object(body), auth: false)
    }

    /// An applicant stored directly (the applicant routes are another part of the emulator).
    func insertApplicant(session: String, id: String = "0000a000-0000-4000-8000-00000000a001",
                         first: String = "Kelly", last: String = "Smith", iban: String? = nil) async throws -> String {
        var person: JSONObject = ["identity": .object(["first_name": .string(first), "last_name": .string(last)]),
                                  "address": .null, "bank_account": .null]
        if let iban { person["bank_account"] = .object(["iban": .string(iban), "bic": .null]) }
        let body: JSONObject = [
            "id": .string(id), "workflow_session_id": .string(session), "status": "initiated", "label": "Kelly",
            "reference_id": .null, "type": "natural_person", "natural_person": .object(person), "legal_person": .null,
        ]
        try await emulator.writer.write { db in try db.insertResource(.applicant, id: id, parent: session, body: body) }
        return id
    }

    /// Subscribes to every event, so deliveries are recorded.
}

/// Identity-verification group of a session reply.
func identityGroup(_ session: Reply) -> JSONValue? { session["action_groups"]?[0] }

@Suite("Verification scenarios (magic values)")
struct VerificationScenariosTests {
    @Test("GET /_emulator/scenarios lists every magic value of the seven types and the analyses")
    func scenarios() async throws {
        let api = try TestAPI()
        let r = try await api.call("GET", "/_emulator/scenarios", auth: false)
        #expect(r.status == 200)
        let entries = r["verifications"]?.arrayValue ?? []
        #expect(entries.compactMap { $0["type"]?.stringValue } == [
            "identity_documents", "identity_videos", "proofs_of_address", "companies", "watchlists", "bank_accounts",
            "bank_account_lookups", "document_analyses",
        ])
        let identity = entries[0]
        #expect(identity["otherwise"] == "failed")
        let names = identity["values"]?.arrayValue?.compactMap { $0["value"]?.stringValue }
        #expect(names?.contains("verified_id_document_verification.<ext>") == true)
        #expect(names?.contains("inconclusive_anonymized_id_document_verification.<ext>") == true)
        let lookups = entries[6]["values"]?.arrayValue?.compactMap { $0["value"]?.stringValue } ?? []
        #expect(lookups.contains("FR7630004005500629197018546"))
        #expect(entries[7]["otherwise"] == "done")
    }

    @Test("the file name picks the result for identity documents, proofs of address and bank accounts",
          arguments: [("identity_documents", "id_document_verification", "IDDV_1706", "IDDV_1103"),
                      ("proofs_of_address", "proof_of_address_verification", "POAV_1611", "POAV_1612"),
                      ("bank_accounts", "bank_account_verification", "BAV_1604", "BAV_1611")])
    func fileNames(_ path: String, _ stem: String, _ failedCode: String, _ inconclusiveCode: String) async throws {
        let api = try TestAPI()
        let target = "/v3/verifications/\(path)"
        let cases: [(String, String, [String], Bool)] = [
            ("verified_\(stem).pdf", "verified", [], false),
            ("verified_anonymized_\(stem).png", "verified", [], true),
            ("failed_\(stem).jpg", "failed", [failedCode], false),
            ("failed_anonymized_\(stem).jpeg", "failed", [failedCode], true),
            ("inconclusive_\(stem).pdf", "inconclusive", [inconclusiveCode], false),
            ("inconclusive_anonymized_\(stem).pdf", "inconclusive", [inconclusiveCode], true),
            ("pending_\(stem).pdf", "pending", [], false),
            ("scan.pdf", "failed", [failedCode], false),
        ]
        for (name, status, codes, anonymized) in cases {
            let r = try await api.upload(target, file: name)
            #expect(r.status == 201, "\(name): \(r)")
            #expect(r["status"] == .string(status), "\(name)")
            #expect(r["status_codes"] == .array(codes.map(JSONValue.string)), "\(name)")
            #expect(r["data_anonymized"] == .bool(anonymized), "\(name)")
            let got = try await api.get("\(target)/\(r.id)")
            #expect(got.json == r.json)
        }
    }

    @Test("an anonymized magic result has every extracted value null; a verified one has them filled")
    func anonymizedData() async throws {
        let api = try TestAPI()
        let plain = try await api.upload("/v3/verifications/bank_accounts", file: "verified_bank_account_verification.pdf",
                                         fields: [("iban", "FR7630006000011234567890189"), ("bic", "AGRIFRPP882")])
        #expect(plain["data"] == .object(["extracted_from_document": .object([
            "iban": "FR7630006000011234567890189", "bic": "AGRIFRPP882"])]))
        let anonymized = try await api.upload("/v3/verifications/bank_accounts", file: "verified_anonymized_bank_account_verification.pdf",
                                              fields: [("iban", "FR7630006000011234567890189")])
        #expect(anonymized["data"] == .object(["extracted_from_document": .object(["iban": .null, "bic": .null])]))
    }
}
