import JSONCodec
import Testing
@testable import YousignEmulator

/// The seed guide's onboarding of Kelly Smith, step by step, with the statuses at each step
/// (API.md §4.3 and §9.1: the session is `done` only when both groups are).
enum SeedGuide {
    /// Runs the six steps through `api` (in process or over HTTP) and checks each one.
    static func run(_ api: some SeedGuideClient) async throws {
        // 1. list the workflow templates
        let templates = try await api.call(seed: "GET", "/v3/workflow_templates", json: nil)
        #expect(templates.status == 200)
        let template = try #require(templates.json["data"]?.arrayValue?.first { $0["name"] == "Customer onboarding" })
        let templateID = try #require(template["id"]?.stringValue)

        // 2. create the workflow session
        let session = try await api.call(seed: "POST", "/v3/workflow_sessions", json: .object([
            "workflow_template_id": .string(templateID), "name": "Onboarding of Kelly Smith"]))
        #expect(session.status == 201)
        #expect(session.json["status"] == "awaiting")
        let sessionID = try #require(session.json["id"]?.stringValue)

        // 3. verify the identity document (sandbox magic file name)
        let idDoc = try await api.upload(seed: "/v3/verifications/identity_documents",
                                         fields: [("first_name", "Kelly"), ("last_name", "Smith"), ("workflow_session_id", sessionID)],
                                         file: ("file", "verified_id_document_verification.pdf", "application/pdf", samplePDF))
        #expect(idDoc.status == 201, "\(idDoc.text)")
        #expect(idDoc.json["status"] == "verified")
        #expect(idDoc.json["workflow_session_id"] == .string(sessionID))

        // 4. the session is ongoing: identity done, signature awaiting
        let afterID = try await api.call(seed: "GET", "/v3/workflow_sessions/\(sessionID)", json: nil)
        #expect(afterID.json["status"] == "ongoing")
        #expect(afterID.json["action_groups"]?[0]?["status"] == "done")
        #expect(afterID.json["action_groups"]?[0]?["actions"]?[0]?["resource"]?["type"] == "identity_document_verification")
        #expect(afterID.json["action_groups"]?[0]?["actions"]?[0]?["resource"]?["status"] == "verified")
        #expect(afterID.json["action_groups"]?[1]?["status"] == "awaiting")

        // 5. send the contract: signature request, document, signer, signature field, activate
        let sr = try await api.call(seed: "POST", "/v3/signature_requests", json: .object([
            "name": "Kelly Smith's contract", "delivery_mode": "none", "workflow_session_id": .string(sessionID)]))
        #expect(sr.status == 201, "\(sr.text)")
        #expect(sr.json["status"] == "draft")
        let srID = try #require(sr.json["id"]?.stringValue)
        let document = try await api.upload(seed: "/v3/signature_requests/\(srID)/documents",
                                            fields: [("nature", "signable_document")],
                                            file: ("file", "contract.pdf", "application/pdf", samplePDF))
        #expect(document.status == 201, "\(document.text)")
        let documentID = try #require(document.json["id"]?.stringValue)
        let signer = try await api.call(seed: "POST", "/v3/signature_requests/\(srID)/signers", json: .object([
            "info": .object(["first_name": "Kelly", "last_name": "Smith", "email": "kelly.smith@example.com", "locale": "en"]),
            "signature_level": "electronic_signature", "signature_authentication_mode": "no_otp"]))
        #expect(signer.status == 201, "\(signer.text)")
        let signerID = try #require(signer.json["id"]?.stringValue)
        let field = try await api.call(seed: "POST", "/v3/signature_requests/\(srID)/documents/\(documentID)/fields", json: .object([
            "signer_id": .string(signerID), "type": "signature", "page": 1, "x": 77, "y": 581]))
        #expect(field.status == 201, "\(field.text)")
        let activated = try await api.call(seed: "POST", "/v3/signature_requests/\(srID)/activate", json: nil)
        #expect(activated.status == 201, "\(activated.text)")
        #expect(activated.json["status"] == "ongoing")
        #expect(activated.json["signers"]?[0]?["signature_link"]?.stringValue != nil)
        let ongoing = try await api.call(seed: "GET", "/v3/workflow_sessions/\(sessionID)", json: nil)
        #expect(ongoing.json["status"] == "ongoing")
        #expect(ongoing.json["action_groups"]?[1]?["status"] == "ongoing")

        // 6. Kelly signs (through the control surface): the request and the session are done
        let signed = try await api.call(seed: "POST", "/_emulator/signature_requests/\(srID)/signers/\(signerID)/sign", json: .object([:]))
        #expect(signed.status == 200, "\(signed.text)")
        let done = try await api.call(seed: "GET", "/v3/signature_requests/\(srID)", json: nil)
        #expect(done.json["status"] == "done")
        #expect(done.json["completed_at"]?.stringValue != nil)
        let final = try await api.call(seed: "GET", "/v3/workflow_sessions/\(sessionID)", json: nil)
        #expect(final.json["status"] == "done")
        #expect(final.json["action_groups"]?[0]?["status"] == "done")
        #expect(final.json["action_groups"]?[1]?["status"] == "done")
        #expect(final.json["action_groups"]?[1]?["actions"]?[0]?["resource"]?["status"] == "done")
    }
}

/// What the seed flow needs from a client: JSON calls and one-file uploads.
protocol SeedGuideClient {
    func call(seed method: String, _ target: String, json: JSONValue?) async throws -> (status: Int, json: JSONValue, text: String)
    func upload(seed target: String, fields: [(String, String)], file: (String, String, String, [UInt8])) async throws -> (status: Int, json: JSONValue, text: String)
}

extension TestAPI: SeedGuideClient {
    func call(seed method: String, _ target: String, json: JSONValue?) async throws -> (status: Int, json: JSONValue, text: String) {
        let r = try await call(method, target, json: json, auth: !target.hasPrefix("/_emulator"))
        return (r.status, r.json, r.response.bodyText)
    }

    func upload(seed target: String, fields: [(String, String)], file: (String, String, String, [UInt8])) async throws -> (status: Int, json: JSONValue, text: String) {
        let r = try await multipart("POST", target, fields: fields, files: [(field: file.0, filename: file.1, contentType: file.2, bytes: file.3)])
        return (r.status, r.json, r.response.bodyText)
    }
}

@Suite("The seed guide, in process")
struct SeedGuideTests {
    @Test("Kelly Smith's onboarding: awaiting → ongoing (identity done, signature awaiting) → done")
    func seedGuide() async throws {
        try await SeedGuide.run(try TestAPI())
    }
}

extension LoopbackClient: SeedGuideClient {
    func call(seed method: String, _ target: String, json: JSONValue?) async throws -> (status: Int, json: JSONValue, text: String) {
        let r = try await send(method, target, json: json, auth: !target.hasPrefix("/_emulator"))
        return (r.status, r.json, r.description)
    }

    func upload(seed target: String, fields: [(String, String)], file: (String, String, String, [UInt8])) async throws -> (status: Int, json: JSONValue, text: String) {
        let boundary = "seed-guide-boundary-31337"
        var body: [UInt8] = []
        func line(_ s: String) { body += Array((s + "\r\n").utf8) }
        for (name, value) in fields {
            line("--\(boundary)"); line("Content-Disposition: form-data; name=\"\(name)\""); line(""); line(value)
        }
        line("--\(boundary)")
        line("Content-Disposition: form-data; name=\"\(file.0)\"; filename=\"\(file.1)\"")
        line("Content-Type: \(file.2)")
        line("")
        body += file.3
        line("")
        line("--\(boundary)--")
        let r = try await send("POST", target, headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"], body: body)
        return (r.status, r.json, r.description)
    }
}

@Suite("The seed guide, over HTTP")
struct SeedGuideHTTPTests {
    @Test("Kelly Smith's onboarding through a served emulator on loopback, the same statuses at each step")
    func seedGuideOverHTTP() async throws {
        try await ServerHTTPTests.served { http in try await SeedGuide.run(http) }
    }
}
