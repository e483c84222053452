import Foundation
import JSONCodec
import Testing
@testable import YousignEmulator

/// §6.2 (what is forbidden when) and §10.14 (field-level constraints).
@Suite("Signature request rules")
struct SignatureRequestRulesTests {
    static let notCompatible = "signature_request.status_not_compatible"

    @Test("activation needs a draft, a signer, a signable document and a signature field per signer")
    func activationRequirements() async throws {
        let api = try TestAPI()
        let sr = try await api.post("/v3/signature_requests", .object(["name": "Empty", "delivery_mode": "email"])).id
        #expect(try await api.post("/v3/signature_requests/\(sr)/activate")["type"] == "signature_request.no_signer")
        let attachment = try await api.upload(sr, nature: "attachment")
        let signer = try await api.post("/v3/signature_requests/\(sr)/signers", .object([
            "info": .object(["first_name": "Kelly", "last_name": "Smith", "email": "kelly@example.com", "locale": "fr"]),
            "signature_level": "electronic_signature"]))
        #expect(signer.status == 201, "\(signer)")
        #expect(try await api.post("/v3/signature_requests/\(sr)/activate")["type"] == "signature_request.no_signable_document")
        let doc = try await api.upload(sr)
        let missing = try await api.post("/v3/signature_requests/\(sr)/activate")
        #expect(missing.status == 400)
        #expect(missing["type"] == "signer.no_signature_field")
        let onAttachment = try await api.post("/v3/signature_requests/\(sr)/documents/\(attachment.id)/fields", .object([
            "type": "signature", "signer_id": .string(signer.id), "page": 1, "x": 10, "y": 10]))
        #expect(onAttachment["type"] == "document.not_signable")
        let field = try await api.post("/v3/signature_requests/\(sr)/documents/\(doc.id)/fields", .object([
            "type": "signature", "signer_id": .string(signer.id), "page": 1, "x": 10, "y": 10]))
        #expect(field.status == 201, "\(field)")
        let activated = try await api.post("/v3/signature_requests/\(sr)/activate")
        #expect(activated.status == 201)
        // delivery by e-mail: the link is not handed out [I]
        #expect(activated["signers"]?[0]?["signature_link"] == .null)
        let twice = try await api.post("/v3/signature_requests/\(sr)/activate")
        #expect(twice.status == 400)
        #expect(twice["type"] == .string(Self.notCompatible))
    }

    @Test("documents, signers, fields, approvers, followers and settings change only in draft")
    func draftOnlyMutations() async throws {
        let api = try TestAPI()
        let (sr, signer) = try await api.readyRequest()
        let doc = try await api.get("/v3/signature_requests/\(sr)/documents").json[0]?["id"]?.stringValue ?? ""
        let field = try await api.get("/v3/signature_requests/\(sr)/documents/\(doc)/fields")["data"]?[0]?["id"]?.stringValue ?? ""
        _ = try await api.post("/v3/signature_requests/\(sr)/activate")
        let base = "/v3/signature_requests/\(sr)"
        var refused: [Reply] = [
            try await api.patch(base, .object(["name": "Renamed"])),
            try await api.upload(sr),
            try await api.patch("\(base)/documents/\(doc)", .object(["name": "renamed.pdf"])),
            try await api.delete("\(base)/documents/\(doc)"),
            try await api.multipart("POST", "\(base)/documents/\(doc)/replace", files: [(field: "file", filename: "b.pdf", contentType: "application/pdf", bytes: samplePDF)]),
            try await api.addSigner(sr, document: doc, email: "late@example.com"),
            try await api.patch("\(base)/signers/\(signer)", .object(["info": .object(["first_name": "Kim"])])),
            try await api.delete("\(base)/signers/\(signer)"),
            try await api.post("\(base)/documents/\(doc)/fields", .object(["type": "signature", "signer_id": .string(signer), "page": 1, "x": 1, "y": 1])),
            try await api.patch("\(base)/documents/\(doc)/fields/\(field)", .object(["x": 5])),
            try await api.delete("\(base)/documents/\(doc)/fields/\(field)"),
            try await api.post("\(base)/approvers", .object(["info": .object(["first_name": "A", "last_name": "B", "email": "a@example.com", "locale": "en"])])),
        ]
        refused.append(try await api.post("\(base)/followers", .array([.object(["email": "f@example.com", "locale": "en"])])))
        for r in refused {
            #expect(r.status == 400, "\(r)")
            #expect(r["type"] == .string(Self.notCompatible), "\(r)")
        }
    }

    @Test("downloads and audit trails wait for done; signer audit trails for a signed signer")
    func downloadsNeedDone() async throws {
        let api = try TestAPI()
        let (sr, signer) = try await api.readyRequest()
        #expect(try await api.get("/v3/signature_requests/\(sr)/audit_trails/download")["type"] == .string(Self.notCompatible))
        #expect(try await api.get("/v3/signature_requests/\(sr)/signers/\(signer)/audit_trails")["type"] == "signer.status_not_compatible")
        #expect(try await api.get("/v3/signature_requests/\(sr)/signers/\(signer)/audit_trails/download")["type"] == "signer.status_not_compatible")
        let current = try await api.get("/v3/signature_requests/\(sr)/documents/download?version=current")
        #expect(current.status == 200)
        #expect(current.response.body == samplePDF)
        let badVersion = try await api.get("/v3/signature_requests/\(sr)/documents/download?version=final")
        #expect(badVersion["invalid_params"]?[0]?["name"] == "version")
    }

    @Test("reminders: ongoing request and notified recipient only, 201 with no body")
    func reminders() async throws {
        let api = try TestAPI()
        try await api.subscribeToEverything()
        let (sr, signer) = try await api.readyRequest()
        let base = "/v3/signature_requests/\(sr)"
        #expect(try await api.post("\(base)/signers/\(signer)/send_reminder")["type"] == .string(Self.notCompatible))
        _ = try await api.post("\(base)/activate")
        let sent = try await api.post("\(base)/signers/\(signer)/send_reminder")
        #expect(sent.status == 201)
        #expect(sent.response.body.isEmpty)
        #expect(try await api.deliveries().map(\.name).last == "signature_request.reminder_executed")
        _ = try await api.control("/signature_requests/\(sr)/signers/\(signer)/sign")
        #expect(try await api.post("\(base)/signers/\(signer)/send_reminder")["type"] == .string(Self.notCompatible))

        let (approving, _) = try await api.readyRequest()
        let approver = try await api.post("/v3/signature_requests/\(approving)/approvers", .object(["info": .object([
            "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "locale": "en"])]))
        #expect(try await api.post("/v3/signature_requests/\(approving)/approvers/\(approver.id)/send_reminder")["type"] == .string(Self.notCompatible))
        _ = try await api.post("/v3/signature_requests/\(approving)/activate")
        #expect(try await api.post("/v3/signature_requests/\(approving)/approvers/\(approver.id)/send_reminder").status == 201)
        _ = try await api.control("/signature_requests/\(approving)/approvers/\(approver.id)/approve")
        #expect(try await api.post("/v3/signature_requests/\(approving)/approvers/\(approver.id)/send_reminder")["type"] == .string(Self.notCompatible))
    }

    @Test("sign through the API: delivery_mode none, no approvers, no decline, simple level; 204")
    func signThroughAPI() async throws {
        let api = try TestAPI()
        let consent: JSONObject = ["ip_address": "8.8.8.8", "consent_given_at": "2026-01-01T00:00:00+00:00"]
        let (sr, signer) = try await api.readyRequest()
        let path = "/v3/signature_requests/\(sr)/signers/\(signer)/sign"
        #expect(try await api.post(path, .object(consent))["type"] == .string(Self.notCompatible))
        _ = try await api.post("/v3/signature_requests/\(sr)/activate")
        let invalid = try await api.post(path, .object(["ip_address": "192.168.1.10", "consent_given_at": "yesterday", "otp": "12"]))
        #expect(invalid["invalid_params"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted() == ["consent_given_at", "ip_address", "otp"])
        let signed = try await api.post(path, .object(consent))
        #expect(signed.status == 204, "\(signed)")
        #expect(try await api.get("/v3/signature_requests/\(sr)")["status"] == "done")
        let trail = try await api.get("/v3/signature_requests/\(sr)/signers/\(signer)/audit_trails")
        #expect(trail["signer"]?["ip_address"] == "8.8.8.8")

        let (byEmail, emailSigner) = try await api.readyRequest(extra: ["delivery_mode": "email"])
        _ = try await api.post("/v3/signature_requests/\(byEmail)/activate")
        let refused = try await api.post("/v3/signature_requests/\(byEmail)/signers/\(emailSigner)/sign", .object(consent))
        #expect(refused.status == 400)
        #expect(refused["type"] == "signer.sign_not_allowed")
    }

    @Test("create validation lists every invalid field; dates out of range are date.out_of_range")
    func createValidation() async throws {
        let api = try TestAPI()
        let bad = try await api.post("/v3/signature_requests", .object([
            "name": " padded ", "delivery_mode": "fax", "external_id": "not valid!", "timezone": "Mars/Olympus",
            "reminder_settings": .object(["interval_in_days": 3, "max_occurrences": 11]), "expiration_date": "2026-13-01",
            "audit_trail_locale": "xx", "labels": .array(["00000000-0000-4000-8000-00000000abcd"]), "colour": "blue"]))
        #expect(bad.status == 400)
        #expect(bad["type"] == "validation.error")
        let names = bad["invalid_params"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted()
        #expect(names == ["audit_trail_locale", "colour", "delivery_mode", "expiration_date", "external_id", "labels[0]", "name",
                          "reminder_settings[interval_in_days]", "reminder_settings[max_occurrences]", "timezone"])
        let missing = try await api.post("/v3/signature_requests", .object([:]))
        #expect(missing["invalid_params"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted() == ["delivery_mode", "name"])
        for day in ["2025-12-31", "2027-01-02"] {
            let r = try await api.post("/v3/signature_requests", .object(["name": "x", "delivery_mode": "none", "expiration_date": .string(day)]))
            #expect(r.status == 400)
            #expect(r["type"] == "date.out_of_range")
        }
        let ok = try await api.post("/v3/signature_requests", .object([
            "name": "Lease", "delivery_mode": "email", "expiration_date": "2027-01-01", "external_id": "lease-42@acme.com",
            "reminder_settings": .object(["interval_in_days": 7, "max_occurrences": 3]), "timezone": "UTC",
            "workspace_id": .string(Fixtures.businessWorkspaceID)]))
        #expect(ok.status == 201, "\(ok)")
        #expect(ok["expiration_date"] == "2027-01-01T23:59:59+00:00")
        #expect(ok["reminder_settings"] == .object(["interval_in_days": 7, "max_occurrences": 3]))
        #expect(ok["workspace_id"] == .string(Fixtures.businessWorkspaceID))
        let patched = try await api.patch("/v3/signature_requests/\(ok.id)", .object(["name": "Lease v2", "external_id": .null]))
        #expect(patched.status == 200)
        #expect(patched["name"] == "Lease v2" && patched["external_id"] == .null && patched["timezone"] == "UTC")
    }

    @Test("signer, field and document validation")
    func recipientValidation() async throws {
        let api = try TestAPI()
        let sr = try await api.post("/v3/signature_requests", .object(["name": "V", "delivery_mode": "none"])).id
        let doc = try await api.upload(sr).id
        let signer = try await api.post("/v3/signature_requests/\(sr)/signers", .object([
            "info": .object(["first_name": "<b>Kelly</b>", "last_name": "Smith", "email": "not-an-email", "phone_number": "0612", "locale": "xx"]),
            "signature_level": "electronic_signature", "signature_authentication_mode": "otp_sms"]))
        #expect(signer["invalid_params"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted() ==
                ["info[email]", "info[first_name]", "info[locale]", "info[phone_number]", "info[phone_number]"])
        let good = try await api.addSigner(sr, document: doc)
        let fields = "/v3/signature_requests/\(sr)/documents/\(doc)/fields"
        let field = try await api.post(fields, .object(["type": "signature", "signer_id": .string(good.id), "page": 2, "x": 40_000, "y": 1, "width": 50]))
        #expect(field["invalid_params"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted() == ["page", "width", "x"])
        let mention = try await api.post(fields, .object(["type": "mention", "signer_id": .string(good.id), "page": 1, "x": 1, "y": 1,
                                                          "mention": "Read and approved",
                                                          "font": .object(["family": "Lato", "color": "#FF0000", "size": 12,
                                                                           "variants": .object(["bold": true, "italic": false])])]))
        #expect(mention["invalid_params"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted() == ["height", "width"])
        let text = try await api.upload(sr, filename: "notes.txt", contentType: "text/plain", bytes: Array("hello".utf8))
        #expect(text["invalid_params"]?[0]?["name"] == "file")
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0]
        let image = try await api.upload(sr, filename: "id.png", contentType: "image/png", bytes: png)
        #expect(image["invalid_params"]?[0]?["name"] == "nature")
        let asAttachment = try await api.upload(sr, nature: "attachment", filename: "id.png", contentType: "image/png", bytes: png)
        #expect(asAttachment.status == 201)
        #expect(asAttachment["content_type"] == "image/png" && asAttachment["total_pages"] == .null)
        let slash = try await api.upload(sr, fields: [("name", "a/b.pdf")])
        #expect(slash["invalid_params"]?[0]?["name"] == "name")
        let seal = try await api.post("/v3/signature_requests/\(sr)/documents", .object([
            "electronic_seal_document_id": "00000000-0000-4000-8000-00000000abcd", "nature": "signable_document"]))
        #expect(seal["invalid_params"]?[0]?["name"] == "electronic_seal_document_id")
        let fromUser = try await api.post("/v3/signature_requests/\(sr)/signers", .object([
            "user_id": "00000000-0000-4000-8000-00000000abcd", "signature_level": "electronic_signature"]))
        #expect(fromUser["invalid_params"]?[0]?["name"] == "user_id")
    }

    @Test("at most 50 documents per request")
    func documentLimit() async throws {
        let api = try TestAPI()
        let sr = try await api.post("/v3/signature_requests", .object(["name": "Many", "delivery_mode": "none"])).id
        for _ in 0..<50 { #expect(try await api.upload(sr).status == 201) }
        let more = try await api.upload(sr)
        #expect(more.status == 400)
        #expect(more["type"] == "document.limit_reached")
    }
}
