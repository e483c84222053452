import Foundation
import JSONCodec
import Testing
@testable import YousignEmulator

@Suite("Identity video, proof of address, company, watchlist, bank account and lookup verifications")
struct VerificationTypesTests {
    static let person: JSONValue = .object(["first_name": "Kelly", "last_name": "Smith"])

    func keys(_ r: Reply) -> [String] { r.json.objectValue?.keys.sorted() ?? [] }

    @Test("identity videos: JSON only, verification_url, face_recognition echoed, pvid and face_recognition filters")
    func identityVideos() async throws {
        let api = try TestAPI()
        let r = try await api.post("/v3/verifications/identity_videos", .object([
            "first_name": "Kelly", "last_name": "Smith", "redirection_url": "https://example.com/back",
            "face_recognition": true, "pvid": true, "pre_selected_document_type": "passport"]))
        #expect(r.status == 201, "\(r)")
        #expect(keys(r) == ["created_at", "data", "data_anonymized", "face_recognition", "id", "previous_attempt_id", "status",
                            "status_codes", "updated_at", "verification_url", "workflow_session_id", "workspace_id"])
        #expect(r["status"] == "verified")
        #expect(r["face_recognition"] == true)
        #expect(r["verification_url"] == .string("http://localhost/_emulator/verifications/identity_videos/\(r.id)"))
        #expect(r["data"]?["extracted_from_document"]?["full_name"] == "Kelly Smith")
        #expect(r["data"]?["extracted_from_document"]?["type"] == "passport")
        #expect(r["data"]?["evidence"]?.objectValue?.count == 3)
        let pending = try await api.post("/v3/verifications/identity_videos", .object([
            "first_name": "Kelly", "last_name": "Pending", "redirection_url": "https://example.com/back"]))
        #expect(pending["status"] == "pending")
        #expect(pending["data"]?["extracted_from_document"] == .null)
        #expect(pending["face_recognition"] == false)
        let failed = try await api.post("/v3/verifications/identity_videos", .object([
            "first_name": "Kelly", "last_name": "Failed", "redirection_url": "https://example.com/back"]))
        #expect(failed["status_codes"] == .array(["IDVV_1112"]))
        let page = try await api.call("GET", "/_emulator/verifications/identity_videos/\(pending.id)", auth: false)
        #expect(page["verification"]?["id"] == .string(pending.id))
        #expect(page["complete"]?["path"] == .string("/_emulator/verifications/identity_videos/\(pending.id)/complete"))

        let pvid = try await api.get("/v3/verifications/identity_videos?pvid[eq]=true")
        #expect(pvid["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [r.id])
        #expect(pvid["data"]?[0]?["pvid"] == nil)
        let noFace = try await api.get("/v3/verifications/identity_videos?face_recognition[eq]=false")
        #expect(noFace["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [pending.id, failed.id])
        let multipart = try await api.upload("/v3/verifications/identity_videos", file: "video.pdf")
        #expect(multipart.status == 415)
        let badName = try await api.post("/v3/verifications/identity_videos", .object([
            "first_name": "K3lly!", "last_name": "Smith", "redirection_url": "not a url", "pre_selected_locale": "FRA"]))
        #expect(badName["invalid_params"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted()
                == ["first_name", "pre_selected_locale", "redirection_url"])
    }

    @Test("proofs of address: file plus the expected person and address, read back when verified")
    func proofsOfAddress() async throws {
        let api = try TestAPI()
        let r = try await api.upload("/v3/verifications/proofs_of_address", file: "verified_proof_of_address_verification.pdf", fields: [
            ("natural_person[first_name]", "Kelly"), ("natural_person[last_name]", "Smith"),
            ("natural_person[address][line1]", "1 avenue des Champs"), ("natural_person[address][postal_code]", "75008"),
            ("natural_person[address][city]", "Paris")])
        #expect(r.status == 201, "\(r)")
        let extracted = r["data"]?["extracted_from_document"]
        #expect(extracted?["full_address"] == "1 avenue des Champs, 75008 Paris")
        #expect(extracted?["2d_doc"]?["address"] == .object(["line1": "1 avenue des Champs", "postal_code": "75008", "city": "Paris",
                                                             "country_code": "FR"]))
        #expect(extracted?["last_name"] == "Smith")
        let badAddress = try await api.upload("/v3/verifications/proofs_of_address", file: "verified_proof_of_address_verification.pdf",
                                              fields: [("natural_person[address][line1]", "x"), ("natural_person[nickname]", "K")])
        #expect(badAddress["invalid_params"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted() == [
            "natural_person[address][city]", "natural_person[address][postal_code]", "natural_person[nickname]"])
    }

    @Test("companies: JSON by number (magic prefix), DE-only fields, a Kbis PDF, and no status_codes key")
    func companies() async throws {
        let api = try TestAPI()
        let r = try await api.post("/v3/verifications/companies", .object(["company_number": "552081317", "country_code": "FR"]))
        #expect(r.status == 201, "\(r)")
        #expect(keys(r) == ["applicant_id", "created_at", "data", "data_anonymized", "id", "previous_attempt_id", "status",
                            "updated_at", "workflow_session_id", "workspace_id"])
        #expect(r["status"] == "verified")
        #expect(r["data"]?["company_information"]?["company_number"] == "552081317")
        #expect(r["data"]?["extracted_from_document"] == .object(["company_number": .null, "issued_on": .null]))
        let failed = try await api.post("/v3/verifications/companies", .object(["company_number": "failed_1", "country_code": "GB"]))
        #expect(failed["status"] == "failed")
        #expect(failed["data"]?["company_information"]?["name"] == .null)
        #expect(failed["data"]?["legal_representatives"] == .array([]))
        let german = try await api.post("/v3/verifications/companies", .object(["company_number": "HRB 1", "country_code": "DE"]))
        #expect(german["invalid_params"] == .array([.object(["name": "company_name", "reason": "This field is required for DE companies."])]))
        let french = try await api.post("/v3/verifications/companies", .object([
            "company_number": "1", "country_code": "FR", "register_court": "Paris"]))
        #expect(french["invalid_params"]?[0]?["name"] == "register_court")
        let kbis = try await api.upload("/v3/verifications/companies", file: "kbis.pdf", fields: [("country_code", "FR")])
        #expect(kbis.status == 201, "\(kbis)")
        #expect(kbis["data"]?["extracted_from_document"]?["company_number"] == "123456789")
        let kbisImage = try await api.upload("/v3/verifications/companies", file: "kbis.png", fields: [("country_code", "FR")],
                                             contentType: "image/png")
        #expect(kbisImage["invalid_params"] == .array([.object(["name": "file", "reason": "The file format must be one of: PDF."])]))
        let list = try await api.get("/v3/verifications/companies")
        #expect(list["data"]?[0]?.objectValue?.keys.sorted() == keys(r).filter { $0 != "data" })
    }

    @Test("watchlists: a hit is failed with PEP and sanctions data; no status_codes, no applicant_id")
    func watchlists() async throws {
        let api = try TestAPI()
        let clear = try await api.post("/v3/verifications/watchlists", .object([
            "natural_person": .object(["first_name": "Kelly", "last_name": "Smith", "born_on": "1990-01-01"])]))
        #expect(clear.status == 201, "\(clear)")
        #expect(keys(clear) == ["created_at", "data", "data_anonymized", "id", "previous_attempt_id", "status", "updated_at",
                                "workflow_session_id", "workspace_id"])
        #expect(clear["data"] == .object([
            "politically_exposed_person": .object(["active": false, "positions": .array([])]),
            "sanctions": .object(["active": false, "records": .array([])])]))
        let hit = try await api.post("/v3/verifications/watchlists", .object([
            "natural_person": .object(["first_name": "Kelly", "last_name": "Failed Smith", "born_on": "1990-01-01"])]))
        #expect(hit["status"] == "failed")
        #expect(hit["data"]?["sanctions"]?["active"] == true)
        #expect(hit["data"]?["politically_exposed_person"]?["positions"]?.arrayValue?.count == 1)
        let bad = try await api.post("/v3/verifications/watchlists", .object([
            "natural_person": .object(["first_name": "Kelly", "born_on": "1990-13-01"]), "applicant_id": "x"]))
        #expect(bad["invalid_params"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted() == [
            "applicant_id", "natural_person[born_on]", "natural_person[last_name]"])
    }

    @Test("bank accounts: IBAN/BIC patterns and one holder at most")
    func bankAccounts() async throws {
        let api = try TestAPI()
        let r = try await api.upload("/v3/verifications/bank_accounts", file: "verified_bank_account_verification.pdf",
                                     fields: [("iban", "FR7630006000011234567890189"), ("legal_person[name]", "Acme")])
        #expect(r.status == 201, "\(r)")
        #expect(r["data"]?["extracted_from_document"]?["iban"] == "FR7630006000011234567890189")
        let bad = try await api.upload("/v3/verifications/bank_accounts", file: "verified_bank_account_verification.pdf", fields: [
            ("iban", "not-an-iban"), ("bic", "bic"), ("natural_person[first_name]", "K"), ("legal_person[name]", "Acme")])
        #expect(bad["invalid_params"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted() == ["bic", "iban", "legal_person"])
    }

    @Test("bank account lookups: the four magic IBANs, any other French IBAN fails, non-French IBANs are refused")
    func lookups() async throws {
        let api = try TestAPI()
        let cases = [("FR7630004005506782866644202", "verified", [String]()), ("FR7630004005502665041815088", "inconclusive", ["BALV_1102"]),
                     ("FR7630004005503221042773459", "failed", ["BALV_1101"]), ("FR7630004005500629197018546", "pending", []),
                     ("FR76 3000 6000 0112 3456 7890 189", "failed", ["BALV_1101"])]
        for (iban, status, codes) in cases {
            let r = try await api.post("/v3/verifications/bank_account_lookups", .object(["iban": .string(iban), "natural_person": Self.person]))
            #expect(r.status == 201, "\(r)")
            #expect(r["status"] == .string(status), "\(iban)")
            #expect(r["status_codes"] == .array(codes.map(JSONValue.string)), "\(iban)")
            #expect(r["applicant_id"] == .null)
            #expect(r["data"]?["extracted_from_document"]?["iban"] == (status == "verified" ? .string(iban) : .null))
        }
        let list = try await api.get("/v3/verifications/bank_account_lookups")
        #expect(list["data"]?[0]?["applicant_id"] == nil, "BankAccountLookupMeta has no applicant_id")
        let german = try await api.post("/v3/verifications/bank_account_lookups", .object([
            "iban": "DE89370400440532013000", "natural_person": Self.person]))
        #expect(german["invalid_params"]?[0]?["name"] == "iban")
        let fromFile = try await api.upload("/v3/verifications/bank_account_lookups", file: "verified_bank_account_lookup_verification.pdf",
                                            fields: [("natural_person[first_name]", "Kelly"), ("natural_person[last_name]", "Smith")])
        #expect(fromFile["status"] == "verified")
        let noPerson = try await api.upload("/v3/verifications/bank_account_lookups", file: "verified_bank_account_lookup_verification.pdf")
        #expect(noPerson["invalid_params"] == .array([.object(["name": "natural_person", "reason": "This field is missing."])]))
    }

    @Test("an applicant-based lookup uses the applicant's IBAN once completed")
    func applicantLookup() async throws {
        let api = try TestAPI()
        let session = try await api.onboardingSession(template: Fixtures.businessOnboardingTemplateID)
        let applicant = try await api.insertApplicant(session: session, iban: "FR7630004005506782866644202")
        let r = try await api.post("/v3/verifications/bank_account_lookups", .object(["applicant_id": .string(applicant)]))
        // pending, not awaiting_data: the lookup's Full status enum lacks awaiting_data (§9.6)
        #expect(r["status"] == "pending")
        #expect(r["workspace_id"] == .string(Fixtures.businessWorkspaceID))
        let done = try await api.complete("bank_account_lookups", r.id, "verified")
        #expect(done["data"]?["extracted_from_document"]?["iban"] == "FR7630004005506782866644202")
    }
}
