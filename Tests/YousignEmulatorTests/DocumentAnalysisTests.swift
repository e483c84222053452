import Foundation
import JSONCodec
import Testing
@testable import YousignEmulator

@Suite("Document analyses")
struct DocumentAnalysisTests {
    static let metaKeys = ["analysis_type", "country_code", "created_at", "data_anonymized", "fraud_risk_analysis", "id",
                           "previous_attempt_id", "status", "status_codes", "type", "updated_at", "workflow_session_id", "workspace_id"]

    func analyse(_ api: TestAPI, _ fields: [(String, String)], file: String = "payslip.pdf", bytes: [UInt8] = samplePDF) async throws -> Reply {
        try await api.upload("/v3/document_analyses", file: file, fields: fields, bytes: bytes)
    }

    @Test("a payslip with a name check: done at once, extraction and checks filled, webhook document_analysis.done")
    func payslip() async throws {
        let api = try TestAPI()
        try await api.subscribeToEverything()
        let r = try await analyse(api, [("type", "payslip"), ("country_code", "FR"),
                                        ("checks[full_name_check][first_name]", "Kelly"), ("checks[full_name_check][last_name]", "Smith")])
        #expect(r.status == 201, "\(r)")
        #expect(r.json.objectValue?.keys.sorted() == (Self.metaKeys + ["applicant_id", "checks", "extracted_from_document"]).sorted())
        #expect(r["status"] == "done")
        #expect(r["status_codes"] == .array([]))
        #expect(r["type"] == "payslip")
        #expect(r["country_code"] == "FR")
        #expect(r["analysis_type"] == .object(["extraction": true, "fraud_level": .null]))
        #expect(r["fraud_risk_analysis"] == .null)
        #expect(r["extracted_from_document"]?["full_name"] == "Kelly Smith")
        #expect(r["extracted_from_document"]?.objectValue?.count == 9)
        #expect(r["checks"] == .object(["full_name": .object(["expected": "Kelly Smith", "extracted": "Kelly Smith", "match_level": "exact"])]))
        let events = try await api.deliveries()
        #expect(events.map(\.name) == ["document_analysis.done"])
        #expect(events[0].data["document_analysis"]?["type"] == "payslip")
        #expect(events[0].data["document_analysis"]?["status"] == "done")
        let got = try await api.get("/v3/document_analyses/\(r.id)")
        #expect(got.json == r.json)
    }

    @Test("every document type: done with its full extraction shape, pending with the same keys all null",
          arguments: DocumentAnalysisKind.all.map(\.name))
    func everyType(_ name: String) async throws {
        let api = try TestAPI()
        let kind = try #require(DocumentAnalysisKind.named(name))
        var fields = [("type", name)]
        if let country = kind.countries.last { fields.append(("country_code", country)) }
        let done = try await analyse(api, fields)
        #expect(done.status == 201, "\(done)")
        #expect(done["status"] == "done")
        #expect(done["type"] == .string(name))
        let skeleton = DocumentAnalysisData.skeleton(name, country: kind.countries.last)
        #expect(done["extracted_from_document"]?.objectValue?.keys.sorted() == skeleton.keys.sorted())
        #expect(done["extracted_from_document"]?.objectValue?.values.contains { $0 != .null } == true)
        let pending = try await analyse(api, fields, file: "pending_scan.pdf")
        #expect(pending["extracted_from_document"] == .object(skeleton))
        #expect(pending["checks"] == .null)
    }

    @Test("seven days after its result an analysis is anonymized: extraction nulled, checks dropped")
    func anonymization() async throws {
        let api = try TestAPI()
        let r = try await analyse(api, [("type", "social_security"), ("checks[first_name]", "Kelly"), ("checks[last_name]", "Smith")])
        #expect(r["checks"] != .null)
        try await api.advance(seconds: 7 * 86_400)
        let got = try await api.get("/v3/document_analyses/\(r.id)")
        #expect(got["status"] == "done")
        #expect(got["data_anonymized"] == true)
        #expect(got["extracted_from_document"] == .object(DocumentAnalysisData.skeleton("social_security", country: nil)))
        #expect(got["checks"] == .null)
    }

    @Test("country rules per type: required where the spec lists countries, refused elsewhere")
    func countries() async throws {
        let api = try TestAPI()
        let missing = try await analyse(api, [("type", "tax_notice")])
        #expect(missing["invalid_params"] == .array([.object(["name": "country_code", "reason": "This field is missing."])]))
        let wrong = try await analyse(api, [("type", "temporary_vehicle_registration_document"), ("country_code", "FR")])
        #expect(wrong["invalid_params"] == .array([.object(["name": "country_code", "reason": "Value must be in [\"IT\"]."])]))
        let extra = try await analyse(api, [("type", "social_security"), ("country_code", "FR")])
        #expect(extra["invalid_params"]?[0]?["name"] == "country_code")
        let italian = try await analyse(api, [("type", "vehicle_registration_document"), ("country_code", "IT")])
        #expect(italian.status == 201)
        #expect(italian["extracted_from_document"]?["vehicle_total_mass"] != nil, "the Italian extraction shape")
        let french = try await analyse(api, [("type", "vehicle_registration_document"), ("country_code", "FR")])
        #expect(french["extracted_from_document"]?["vehicle_next_inspection_date"] != nil)
        let noType = try await analyse(api, [])
        #expect(noType["invalid_params"] == .array([.object(["name": "type", "reason": "This field is missing."])]))
    }

    @Test("fraud-only: no type, extraction false with fraud_level advanced; a risk level when done")
    func fraudOnly() async throws {
        let api = try TestAPI()
        let r = try await analyse(api, [("analysis_type[extraction]", "false"), ("analysis_type[fraud_level]", "advanced")])
        #expect(r.status == 201, "\(r)")
        #expect(r["type"] == .null)
        #expect(r["extracted_from_document"] == nil)
        #expect(r["analysis_type"] == .object(["extraction": false, "fraud_level": "advanced"]))
        #expect(r["fraud_risk_analysis"] == .object(["risk_level": "low", "indicators": .array([])]))
        let failed = try await analyse(api, [("analysis_type[extraction]", "false"), ("analysis_type[fraud_level]", "advanced")],
                                       file: "failed_edited.pdf")
        #expect(failed["fraud_risk_analysis"]?["risk_level"] == "high")
        let withType = try await analyse(api, [("type", "payslip"), ("country_code", "FR"), ("analysis_type[extraction]", "false")])
        #expect(withType["invalid_params"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted() == ["analysis_type[fraud_level]", "type"])
        let taxFraud = try await analyse(api, [("type", "tax_notice"), ("country_code", "FR"), ("analysis_type[fraud_level]", "advanced")])
        #expect(taxFraud["invalid_params"]?[0]?["reason"] == "Fraud detection is not available for tax_notice.")
        let threePages = try await analyse(api, [("analysis_type[extraction]", "false"), ("analysis_type[fraud_level]", "advanced")],
                                           bytes: VerificationValidationTests.pdf(pages: 3))
        #expect(threePages["invalid_params"]?[0]?["reason"] == "The PDF has more than 2 pages.")
    }

    @Test("page and size limits: 10 pages in general, 3 for invoices")
    func limits() async throws {
        let api = try TestAPI()
        #expect(try await analyse(api, [("type", "driver_licence")], bytes: VerificationValidationTests.pdf(pages: 10)).status == 201)
        let eleven = try await analyse(api, [("type", "driver_licence")], bytes: VerificationValidationTests.pdf(pages: 11))
        #expect(eleven["invalid_params"]?[0]?["reason"] == "The PDF has more than 10 pages.")
        let invoice = try await analyse(api, [("type", "invoice"), ("country_code", "FR")], bytes: VerificationValidationTests.pdf(pages: 4))
        #expect(invoice["invalid_params"]?[0]?["reason"] == "The PDF has more than 3 pages.")
        let invoiceChecks = try await analyse(api, [("type", "invoice"), ("country_code", "FR"), ("checks[first_name]", "K")])
        #expect(invoiceChecks["invalid_params"]?[0]?["name"] == "checks")
    }

    @Test("checks by type: legal representatives (indexed multipart keys), vehicle owner, tax notice income year")
    func checks() async throws {
        let api = try TestAPI()
        let kbis = try await analyse(api, [("type", "company_certificate"),
                                           ("checks[legal_representatives][0][first_name]", "Kelly"), ("checks[legal_representatives][0][last_name]", "Smith"),
                                           ("checks[legal_representatives][1][first_name]", "Ann"), ("checks[legal_representatives][1][last_name]", "Lee")])
        #expect(kbis.status == 201, "\(kbis)")
        #expect(kbis["checks"]?["legal_representatives"]?.arrayValue?.compactMap { $0["full_name"]?["expected"]?.stringValue } == ["Kelly Smith", "Ann Lee"])
        #expect(kbis["extracted_from_document"]?["legal_representatives"]?[1]?["full_name"] == "Ann Lee")
        let owner = try await analyse(api, [("type", "vehicle_registration_document"), ("country_code", "FR"),
                                            ("checks[vehicle_owner][type]", "legal_person"), ("checks[vehicle_owner][company_name]", "Acme")])
        #expect(owner["checks"]?["vehicle_owner"]?["owner_name"]?["extracted"] == "Acme")
        let tax = try await analyse(api, [("type", "tax_notice"), ("country_code", "FR"), ("checks[income_year_check][income_year]", "2024")])
        #expect(tax["checks"] == .object(["income_year": .object(["expected": 2024, "extracted": 2024, "match_level": "exact"])]))
        #expect(tax["extracted_from_document"]?["income_year"] == 2024)
        let failed = try await analyse(api, [("type", "social_security"), ("checks[first_name]", "Kelly"), ("checks[last_name]", "Smith")],
                                       file: "failed_card.pdf")
        #expect(failed["status"] == "failed")
        #expect(failed["status_codes"] == .array(["DA_1002"]))
        #expect(failed["checks"]?["full_name"]?["match_level"] == "no_match")
        #expect(failed["extracted_from_document"]?["full_name"] == .null)
        let badChecks = try await analyse(api, [("type", "driver_licence"), ("checks[first_name]", "Kelly")])
        #expect(badChecks["invalid_params"] == .array([.object(["name": "checks[last_name]", "reason": "This field is missing."])]))
    }

    @Test("list: meta items, filters by status, type, workspace and session")
    func list() async throws {
        let api = try TestAPI()
        let a = try await analyse(api, [("type", "driver_licence")])
        let b = try await analyse(api, [("type", "payslip"), ("country_code", "IT")], file: "pending_payslip.pdf")
        #expect(b["status"] == "pending")
        let all = try await api.get("/v3/document_analyses")
        #expect(all["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [a.id, b.id])
        #expect(all["data"]?[0]?.objectValue?.keys.sorted() == Self.metaKeys)
        #expect(try await api.get("/v3/document_analyses?type[eq]=payslip")["data"]?.arrayValue?.count == 1)
        #expect(try await api.get("/v3/document_analyses?status[eq]=done")["data"]?[0]?["id"] == .string(a.id))
        #expect(try await api.get("/v3/document_analyses?workflow_session_id[eq]=\(a.id)")["data"]?.arrayValue?.count == 0)
        #expect(try await api.get("/v3/document_analyses/\(b.id)")["extracted_from_document"]?["net_pay"] == .null)
        let done = try await api.complete("document_analyses", b.id, "done")
        #expect(done["extracted_from_document"]?["net_pay"] == .double(2500.5))
        #expect(try await api.get("/v3/document_analyses/00000000-0000-4000-8000-00000000ffff").status == 404)
    }

    @Test("in a session: the analysis group follows, with the document type's resource type; applicant analyses await data")
    func session() async throws {
        let api = try TestAPI(fixtures: {
            var f = Fixtures.defaults
            f.templates.append(.init(id: "7e3b1f00-0000-4000-8000-0000000da7a0", name: "Income", actionGroups: ["document_analysis"]))
            return f
        }())
        let session = try await api.onboardingSession(template: "7e3b1f00-0000-4000-8000-0000000da7a0")
        let r = try await analyse(api, [("type", "payslip"), ("country_code", "FR"), ("workflow_session_id", session)],
                                  file: "inconclusive_payslip.pdf")
        #expect(r["status"] == "inconclusive")
        var s = try await api.session(session)
        #expect(s["action_groups"]?[0]?["status"] == "blocked")
        #expect(s["action_groups"]?[0]?["actions"]?[0]?["resource"]?["type"] == "payslip_document_analysis")
        let retry = try await analyse(api, [("type", "payslip"), ("country_code", "FR"), ("workflow_session_id", session),
                                            ("previous_attempt_id", r.id)])
        #expect(retry["status"] == "done")
        s = try await api.session(session)
        #expect(s["status"] == "done")
        #expect(s["action_groups"]?[0]?["actions"]?[0]?["previous_attempts"]?.arrayValue?.count == 1)

        let applicant = try await api.insertApplicant(session: session)
        let waiting = try await api.post("/v3/document_analyses", .object([
            "applicant_id": .string(applicant), "type": "tax_notice", "country_code": "FR",
            "checks": .object(["income_year_check": .object(["income_year": 2024])])]))
        #expect(waiting.status == 201, "\(waiting)")
        #expect(waiting["status"] == "awaiting_data")
        #expect(waiting["applicant_id"] == .string(applicant))
        #expect(try await api.session(session)["status"] == "ongoing")
        let done = try await api.complete("document_analyses", waiting.id, "done")
        #expect(done["extracted_from_document"]?["full_name"] == "Kelly Smith")
        #expect(done["checks"]?["income_year"]?["extracted"] == 2024)
        let noType = try await api.post("/v3/document_analyses", .object(["applicant_id": .string(applicant)]))
        #expect(noType["invalid_params"] == .array([.object(["name": "type", "reason": "This field is missing."])]))
    }
}
