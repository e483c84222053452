import Foundation
import JSONCodec
import Testing
@testable import YousignEmulator

@Suite("A signature field's reason")
struct SignatureFieldReasonTests {
    @Test("without a reason, a signature field shows the spec's default, following the signer's name; never null")
    func defaultReason() async throws {
        let api = try TestAPI()
        let sr = try await api.post("/v3/signature_requests", .object(["name": "Contract", "delivery_mode": "none"])).id
        let doc = try await api.multipart("POST", "/v3/signature_requests/\(sr)/documents", fields: [("nature", "signable_document")],
                                          files: [(field: "file", filename: "c.pdf", contentType: "application/pdf", bytes: samplePDF)]).id
        let signer = try await api.post("/v3/signature_requests/\(sr)/signers", .object([
            "info": .object(["first_name": "Kelly", "last_name": "Smith", "email": "kelly@example.com", "locale": "en"]),
            "signature_level": "electronic_signature", "signature_authentication_mode": "no_otp"])).id
        let fields = "/v3/signature_requests/\(sr)/documents/\(doc)/fields"
        let plain = try await api.post(fields, .object(["signer_id": .string(signer), "type": "signature", "page": 1, "x": 10, "y": 10]))
        #expect(plain.status == 201, "\(plain)")
        #expect(plain["reason"] == "Signed by Kelly Smith")
        let given = try await api.post(fields, .object(["signer_id": .string(signer), "type": "signature", "page": 1, "x": 10, "y": 100,
                                                        "reason": "Approved by the board"]))
        #expect(given["reason"] == "Approved by the board")
        let mention = try await api.post(fields, .object(["signer_id": .string(signer), "type": "mention", "page": 1, "x": 10, "y": 200,
                                                          "mention": "Read and approved"]))
        #expect(mention["reason"] == nil)

        _ = try await api.patch("/v3/signature_requests/\(sr)/signers/\(signer)", .object(["info": .object(["first_name": "Kelly-Ann"])]))
        let shown = try await api.get("/v3/signature_requests/\(sr)/signers/\(signer)")["fields"]?.arrayValue ?? []
        #expect(shown.map { $0["reason"] } == ["Signed by Kelly-Ann Smith", "Approved by the board", nil])
        let cleared = try await api.patch("\(fields)/\(given.id)", .object(["reason": .null]))
        #expect(cleared.status == 200, "\(cleared)")
        #expect(cleared["reason"] == "Signed by Kelly-Ann Smith")
    }
}
