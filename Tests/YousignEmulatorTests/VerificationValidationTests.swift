import Foundation
import JSONCodec
import Testing
@testable import YousignEmulator

@Suite("Verification request validation and file limits")
struct VerificationValidationTests {
    /// A PNG header declaring `width` × `height` pixels (the rest of the file does not matter here).
    static func png(width: UInt32, height: UInt32) -> [UInt8] {
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8) + be(width) + be(height) + [8, 2, 0, 0, 0]
    }

    /// A baseline JPEG start: SOI, an APP0 segment, then SOF0 with the dimensions.
    static func jpeg(width: UInt16, height: UInt16) -> [UInt8] {
        [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46, 0xFF, 0xC0, 0x00, 0x11, 0x08,
         UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    }

    static func pdf(pages: Int) -> [UInt8] {
        var text = "%PDF-1.4\n1 0 obj << /Type /Pages /Count \(pages) >> endobj\n"
        for i in 0..<pages { text += "\(i + 2) 0 obj << /Type /Page /Parent 1 0 R >> endobj\n" }
        return Array((text + "%%EOF").utf8)
    }

    @Test("a Content-Type other than JSON or multipart is 415 on every create")
    func unsupportedMediaType() async throws {
        let api = try TestAPI()
        for path in ["identity_documents", "identity_videos", "proofs_of_address", "companies", "watchlists", "bank_accounts",
                     "bank_account_lookups"] {
            let r = try await api.call("POST", "/v3/verifications/\(path)", headers: ["Content-Type": "text/plain"], body: Array("x".utf8))
            #expect(r.status == 415, "\(path)")
            #expect(r["type"] == "unsupported_media_type")
        }
        let analysis = try await api.call("POST", "/v3/document_analyses", headers: ["Content-Type": "application/xml"], body: Array("<x/>".utf8))
        #expect(analysis.status == 415)
        let watchlistMultipart = try await api.upload("/v3/verifications/watchlists", file: "x.pdf")
        #expect(watchlistMultipart.status == 415)
    }

    @Test("multipart fields are validated together: missing file, bad enums, ages, countries, unknown fields")
    func identityFields() async throws {
        let api = try TestAPI()
        let r = try await api.multipart("POST", "/v3/verifications/identity_documents", fields: [
            ("type", "visa"), ("min_age", "30"), ("max_age", "18"), ("prohibited_countries[]", "fr"), ("colour", "blue"),
            ("workspace_id", "nope")])
        #expect(r.status == 400)
        #expect(r["type"] == "validation.error")
        #expect(r["detail"] == "You have some invalid params in your payload.")
        #expect(r["invalid_params"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted() == [
            "colour", "file", "max_age", "prohibited_countries", "type", "workspace_id"])
        let unknownWorkspace = try await api.identityDocument("verified_id_document_verification.pdf", fields: [
            ("workspace_id", "00000000-0000-4000-8000-00000000abcd")])
        #expect(unknownWorkspace["invalid_params"] == .array([.object(["name": "workspace_id", "reason": "Workspace not found."])]))
        let strayFile = try await api.multipart("POST", "/v3/verifications/identity_documents", files: [
            (field: "file", filename: "verified_id_document_verification.pdf", contentType: "application/pdf", bytes: samplePDF),
            (field: "selfie", filename: "me.png", contentType: "image/png", bytes: Self.png(width: 10, height: 10))])
        #expect(strayFile["invalid_params"]?[0]?["name"] == "selfie")
        let badJSON = try await api.call("POST", "/v3/verifications/identity_documents", headers: ["Content-Type": "application/json"],
                                         body: Array("{".utf8))
        #expect(badJSON.status == 400)
    }

    @Test("formats: by extension, else by content type; other formats are refused")
    func formats() async throws {
        let api = try TestAPI()
        let byType = try await api.multipart("POST", "/v3/verifications/identity_documents", files: [
            (field: "file", filename: "upload", contentType: "image/jpeg", bytes: Self.jpeg(width: 100, height: 100))])
        #expect(byType.status == 201, "\(byType)")
        let gif = try await api.upload("/v3/verifications/identity_documents", file: "id.gif", contentType: "image/gif", bytes: [0x47, 0x49, 0x46])
        #expect(gif.status == 400)
        #expect(gif["invalid_params"] == .array([.object(["name": "file", "reason": "The file format must be one of: PNG, JPEG, JPG, PDF."])]))
        let back = try await api.multipart("POST", "/v3/verifications/identity_documents", files: [
            (field: "file", filename: "a.pdf", contentType: "application/pdf", bytes: samplePDF),
            (field: "additional_file", filename: "b.docx", contentType: "application/octet-stream", bytes: [1, 2, 3])])
        #expect(back["invalid_params"]?[0]?["name"] == "additional_file")
        let empty = try await api.upload("/v3/verifications/identity_documents", file: "a.pdf", bytes: [])
        #expect(empty["invalid_params"]?[0]?["reason"] == "The file is empty.")
    }

    @Test("size and resolution: 10 MB and 20 megapixels for identity documents, 25 MB for analyses")
    func sizeAndPixels() async throws {
        // sizes are checked on the parsed file: a 10 MB multipart body takes seconds to parse in debug builds
        func file(_ count: Int) -> MultipartForm.File {
            MultipartForm.File(filename: "id.pdf", contentType: "application/pdf", bytes: samplePDF + [UInt8](repeating: 0x20, count: count - samplePDF.count))
        }
        #expect(UploadRules.identityImage.problem(file(10 * 1024 * 1024 + 1)) == "The file is larger than 10 MB.")
        #expect(UploadRules.identityImage.problem(file(10 * 1024 * 1024)) == nil)
        #expect(UploadRules.pdfOnly.problem(file(10 * 1024 * 1024 + 1)) == "The file is larger than 10 MB.")
        #expect(UploadRules.analysis.problem(file(25 * 1024 * 1024)) == nil)
        #expect(UploadRules.analysis.problem(file(25 * 1024 * 1024 + 1)) == "The file is larger than 25 MB.")
        #expect(UploadRules.invoice.problem(file(10 * 1024 * 1024 + 1)) == "The file is larger than 10 MB.")
        let api = try TestAPI()
        let hugePNG = try await api.upload("/v3/verifications/identity_documents", file: "verified_id_document_verification.png",
                                           contentType: "image/png", bytes: Self.png(width: 5000, height: 4001))
        #expect(hugePNG["invalid_params"]?[0]?["reason"] == "The image is larger than 20 megapixels.")
        let okPNG = try await api.upload("/v3/verifications/identity_documents", file: "verified_id_document_verification.png",
                                         contentType: "image/png", bytes: Self.png(width: 5000, height: 4000))
        #expect(okPNG.status == 201)
        let hugeJPEG = try await api.upload("/v3/verifications/proofs_of_address", file: "verified_proof_of_address_verification.jpg",
                                            contentType: "image/jpeg", bytes: Self.jpeg(width: 6000, height: 4000))
        #expect(hugeJPEG["invalid_params"]?[0]?["reason"] == "The image is larger than 20 megapixels.")
    }

    @Test("PDF page counting skips the page tree node")
    func pageCount() {
        #expect(PDFPages.count(Self.pdf(pages: 3)) == 3)
        #expect(PDFPages.count(samplePDF) == 1)
        #expect(PDFPages.count(Array("<< /Type/Page >> << /Type /Pages >> << /Type\n/Page>>".utf8)) == 2)
    }

    @Test("the JSON variants are checked field by field too")
    func jsonVariants() async throws {
        let api = try TestAPI()
        let missing = try await api.post("/v3/verifications/companies", .object(["country_code": "US"]))
        #expect(missing["invalid_params"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted() == ["company_number", "country_code"])
        let applicantBadID = try await api.post("/v3/verifications/proofs_of_address", .object(["applicant_id": "123"]))
        #expect(applicantBadID["invalid_params"] == .array([.object(["name": "applicant_id", "reason": "This value is not a valid UUID."])]))
        let noApplicant = try await api.post("/v3/verifications/bank_accounts", .object([:]))
        #expect(noApplicant["invalid_params"] == .array([.object(["name": "applicant_id", "reason": "This field is missing."])]))
        let notObject = try await api.call("POST", "/v3/verifications/watchlists", headers: ["Content-Type": "application/json"],
                                           body: Array("[1]".utf8))
        #expect(notObject.status == 400)
        #expect(notObject["type"] == "parameters_not_valid")
    }
}
