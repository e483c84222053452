import Foundation
import JSONCodec
import Testing
@testable import YousignEmulator

/// Documents, fields, signers, approvers and duplicates (§6.3).
@Suite("Signature request contents")
struct SignatureRequestContentTests {
    static let twoPages: [UInt8] = Array("""
        %PDF-1.7
        1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
        2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> endobj
        3 0 obj << /Type /Page /Parent 2 0 R >> endobj
        4 0 obj <</Type/Page/Parent 2 0 R>> endobj
        trailer << /Root 1 0 R >>
        %%EOF
        """.utf8)
    static let locked: [UInt8] = Array("%PDF-1.6\n1 0 obj << /Type /Page >> endobj\ntrailer << /Encrypt 5 0 R >>\n%%EOF".utf8)

    @Test("documents: upload options, order, list filter, PATCH, replace, per-document and zipped downloads, delete")
    func documents() async throws {
        let api = try TestAPI()
        let sr = try await api.post("/v3/signature_requests", .object(["name": "Docs", "delivery_mode": "none"])).id
        let base = "/v3/signature_requests/\(sr)/documents"
        let first = try await api.upload(sr, fields: [("name", "Main contract.pdf"), ("initials[alignment]", "bottom-right"), ("initials[y]", "20")])
        #expect(first.status == 201, "\(first)")
        #expect(first["filename"] == "Main contract.pdf")
        #expect(first["initials"] == .object(["alignment": "right", "y": 20, "per_page": .array([.object(["page": 1, "y": 20])])]))
        let annex = try await api.upload(sr, nature: "attachment", filename: "annex.pdf", bytes: Self.twoPages)
        #expect(annex["total_pages"] == 2)
        let between = try await api.upload(sr, filename: "middle.pdf", fields: [("insert_after_id", first.id)])
        let order = try await api.get(base).json.arrayValue?.compactMap { $0["id"]?.stringValue }
        #expect(order == [first.id, between.id, annex.id])
        let summary = try await api.get("/v3/signature_requests/\(sr)")["documents"]
        #expect(summary?[2] == .object(["id": .string(annex.id), "nature": "attachment"]))
        #expect(try await api.get("\(base)?nature[eq]=attachment").json.arrayValue?.count == 1)
        #expect(try await api.get("\(base)/\(annex.id)")["filename"] == "annex.pdf")

        let renamed = try await api.patch("\(base)/\(between.id)", .object(["name": "Schedule.pdf", "nature": "attachment"]))
        #expect(renamed.status == 200, "\(renamed)")
        #expect(renamed["filename"] == "Schedule.pdf" && renamed["nature"] == "attachment")
        let replaced = try await api.multipart("POST", "\(base)/\(first.id)/replace", fields: [("name", "v2.pdf")],
                                               files: [(field: "file", filename: "x.pdf", contentType: "application/pdf", bytes: Self.twoPages)])
        #expect(replaced.status == 201, "\(replaced)")
        #expect(replaced["id"] == .string(first.id) && replaced["total_pages"] == 2 && replaced["filename"] == "v2.pdf")
        #expect(replaced["sha256"] != first["sha256"])
        #expect(replaced["initials"]?["per_page"]?.arrayValue?.count == 2)

        let one = try await api.get("\(base)/\(first.id)/download")
        #expect(one.status == 200 && one.response.body == Self.twoPages)
        #expect(one.response.headers["Content-Type"] == "application/pdf")
        let all = try await api.get("\(base)/download")
        #expect(all.response.headers["Content-Type"] == "application/zip")
        #expect(all.response.body.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        #expect(zipEntryCount(all.response.body) == 3)
        #expect(zipNames(all.response.body).sorted() == ["Schedule.pdf", "annex.pdf", "v2.pdf"])

        #expect(try await api.delete("\(base)/\(between.id)").status == 204)
        #expect(try await api.delete("\(base)/\(annex.id)").status == 204)
        #expect(try await api.get("\(base)/\(annex.id)").status == 404)
        let single = try await api.get("\(base)/download?archive=true")
        #expect(zipEntryCount(single.response.body) == 1)
        #expect(try await api.get("\(base)/download").response.headers["Content-Type"] == "application/pdf")
    }

    @Test("a password-protected PDF is locked until its password is given")
    func lockedDocument() async throws {
        let api = try TestAPI()
        let sr = try await api.post("/v3/signature_requests", .object(["name": "Locked", "delivery_mode": "none"])).id
        let doc = try await api.upload(sr, bytes: Self.locked)
        #expect(doc["is_protected"] == true && doc["is_locked"] == true)
        let signer = try await api.addSigner(sr, document: doc.id)
        #expect(signer.status == 400)
        #expect(signer["type"] == "document.locked")
        let unlocked = try await api.patch("/v3/signature_requests/\(sr)/documents/\(doc.id)", .object(["password": "s3cret"]))
        #expect(unlocked["is_locked"] == false)
        #expect(!unlocked.response.bodyText.contains("s3cret"))
        #expect(try await api.addSigner(sr, document: doc.id).status == 201)
    }

    @Test("fields: every type with defaults, filters, PATCH, DELETE, answers while ongoing")
    func fields() async throws {
        let api = try TestAPI()
        let (sr, signer) = try await api.readyRequest()
        let doc = try await api.get("/v3/signature_requests/\(sr)/documents").json[0]?["id"]?.stringValue ?? ""
        let path = "/v3/signature_requests/\(sr)/documents/\(doc)/fields"
        let s = JSONValue.string(signer)
        let bodies: [JSONObject] = [
            ["type": "text", "signer_id": s, "page": 1, "x": 10, "y": 10, "max_length": 20, "question": "Your city?", "name": "city"],
            ["type": "checkbox", "signer_id": s, "page": 1, "x": 10, "y": 60, "name": "terms"],
            ["type": "radio_group", "signer_id": s, "page": 1, "name": "plan",
             "radios": .array([.object(["name": "basic", "x": 10, "y": 100]), .object(["name": "pro", "x": 60, "y": 100])])],
            ["type": "mention", "signer_id": s, "page": 1, "x": 10, "y": 150, "mention": "Read and approved"],
            ["type": "signature_date", "signer_id": s, "page": 1, "x": 10, "y": 200, "date_format": "yyyy-MM-dd"],
            ["type": "signer_name", "signer_id": s, "page": 1, "x": 10, "y": 250],
            ["type": "signer_email", "signer_id": s, "page": 1, "x": 10, "y": 300],
            ["type": "read_only_text", "page": 1, "x": 10, "y": 350, "text": "Internal reference 42"],
        ]
        var ids: [String: String] = [:]
        for body in bodies {
            let r = try await api.post(path, .object(body))
            #expect(r.status == 201, "\(r)")
            #expect(r["document_id"] == .string(doc))
            ids[body["type"]?.stringValue ?? ""] = r.id
            if body["type"] == "text" { #expect(r["answer"] == .null && r["optional"] == false && r["font"]?["family"] == "Helvetica") }
            if body["type"] == "checkbox" { #expect(r["checked"] == false && r["size"] == 24) }
            if body["type"] == "signer_name" { #expect(r["value"] == "Kelly Smith") }
            if body["type"] == "signer_email" { #expect(r["value"] == "kelly@example.com") }
            if body["type"] == "signature_date" { #expect(r["value"] == .null) }
            if body["type"] == "read_only_text" { #expect(r["signer_id"] == nil) }
        }
        let all = try await api.get(path)
        #expect(all["data"]?.arrayValue?.count == 9)
        #expect(try await api.get("\(path)?type[in]=text,checkbox")["data"]?.arrayValue?.count == 2)
        #expect(try await api.get("\(path)?name[eq]=plan")["data"]?[0]?["id"] == .string(ids["radio_group"]!))
        #expect(try await api.get("\(path)?signer_id[eq]=\(signer)")["data"]?.arrayValue?.count == 8)
        #expect(try await api.get("\(path)?limit=5")["data"]?.arrayValue?.count == 5)
        let moved = try await api.patch("\(path)/\(ids["mention"]!)", .object(["x": 300, "mention": "Lu et approuvé"]))
        #expect(moved["x"] == 300 && moved["mention"] == "Lu et approuvé" && moved["y"] == 150)
        #expect(try await api.patch("\(path)/\(ids["mention"]!)", .object(["type": "text"]))["invalid_params"]?[0]?["name"] == "type")
        #expect(try await api.get("\(path)/\(ids["mention"]!)").status == 405)
        #expect(try await api.delete("\(path)/\(ids["signer_email"]!)").status == 204)
        #expect(try await api.get(path)["data"]?.arrayValue?.count == 8)
        #expect(try await api.post("\(path)/\(ids["text"]!)/answer", .object(["value": "Paris"]))["type"] == "signature_request.status_not_compatible")

        _ = try await api.post("/v3/signature_requests/\(sr)/activate")
        #expect(try await api.post("\(path)/\(ids["text"]!)/answer", .object(["value": "Paris"])).status == 204)
        #expect(try await api.post("\(path)/\(ids["checkbox"]!)/answer", .object(["value": true])).status == 204)
        #expect(try await api.post("\(path)/\(ids["radio_group"]!)/answer", .object(["value": "pro"])).status == 204)
        #expect(try await api.post("\(path)/\(ids["radio_group"]!)/answer", .object(["value": "gold"]))["type"] == "validation.error")
        #expect(try await api.post("\(path)/\(ids["text"]!)/answer", .object(["value": .string(String(repeating: "x", count: 21))]))["type"] == "validation.error")
        #expect(try await api.post("\(path)/\(ids["mention"]!)/answer", .object(["value": "x"]))["type"] == "field.type_not_compatible")
        let answered = try await api.get(path)["data"]?.arrayValue ?? []
        #expect(answered.first { $0["type"] == "text" }?["answer"] == "Paris")
        #expect(answered.first { $0["type"] == "checkbox" }?["checked"] == true)
        #expect(answered.first { $0["type"] == "radio_group" }?["radios"]?.arrayValue?.map { $0["checked"] } == [false, true])
        _ = try await api.control("/signature_requests/\(sr)/signers/\(signer)/sign")
        let dated = try await api.get(path)["data"]?.arrayValue?.first { $0["type"] == "signature_date" }
        #expect(dated?["value"] == "2026-01-01")
    }

    @Test("signers and approvers: PATCH merges, insert_after_id orders, DELETE removes their fields")
    func recipients() async throws {
        let api = try TestAPI()
        let (sr, first) = try await api.readyRequest()
        let base = "/v3/signature_requests/\(sr)"
        let doc = try await api.get("\(base)/documents").json[0]?["id"]?.stringValue ?? ""
        let last = try await api.addSigner(sr, document: doc, email: "last@example.com")
        let middle = try await api.addSigner(sr, document: doc, email: "middle@example.com", extra: ["insert_after_id": .string(first)])
        #expect(try await api.get("\(base)/signers").json.arrayValue?.compactMap { $0["id"]?.stringValue } == [first, middle.id, last.id])
        let patched = try await api.patch("\(base)/signers/\(first)", .object([
            "info": .object(["first_name": "Kim", "phone_number": "+33612345678"]), "signature_authentication_mode": "otp_sms"]))
        #expect(patched.status == 200, "\(patched)")
        #expect(patched["info"] == .object(["first_name": "Kim", "last_name": "Smith", "email": "kelly@example.com",
                                            "phone_number": "+33612345678", "locale": "en"]))
        let breaking = try await api.patch("\(base)/signers/\(first)", .object(["info": .object(["phone_number": .null])]))
        #expect(breaking["invalid_params"]?[0]?["name"] == "info[phone_number]")
        #expect(try await api.delete("\(base)/signers/\(middle.id)").status == 204)
        #expect(try await api.get("\(base)/signers/\(middle.id)").status == 404)
        #expect(try await api.get("\(base)/documents/\(doc)/fields")["data"]?.arrayValue?.count == 2)

        let fromSigner = try await api.post("\(base)/approvers", .object(["signer_id": .string(last.id)]))
        #expect(fromSigner.status == 201, "\(fromSigner)")
        #expect(fromSigner["info"]?["email"] == "last@example.com")
        let duplicate = try await api.post("\(base)/approvers", .object(["info": .object([
            "first_name": "Other", "last_name": "Person", "email": "last@example.com", "locale": "en"])]))
        #expect(duplicate["type"] == "approver.already_attached_to_signature_request")
        let renamed = try await api.patch("\(base)/approvers/\(fromSigner.id)", .object(["custom_text": .object(["request_subject": "Please approve"])]))
        #expect(renamed["custom_text"]?["request_subject"] == "Please approve" && renamed["custom_text"]?["reminder_body"] == .null)
        #expect(try await api.delete("\(base)/approvers/\(fromSigner.id)").status == 204)
        #expect(try await api.get(base)["approvers"] == .array([]))
    }

    @Test("duplicate: a new draft with copies of documents, recipients and fields")
    func duplicate() async throws {
        let api = try TestAPI()
        let (sr, signer) = try await api.readyRequest(extra: ["external_id": "deal-7"])
        _ = try await api.post("/v3/signature_requests/\(sr)/activate")
        _ = try await api.control("/signature_requests/\(sr)/signers/\(signer)/sign")
        let copy = try await api.post("/v3/signature_requests", .object(["signature_request_id": .string(sr), "name": "Copy"]))
        #expect(copy.status == 201, "\(copy)")
        #expect(copy.id != sr)
        #expect(copy["status"] == "draft" && copy["name"] == "Copy" && copy["external_id"] == "deal-7" && copy["completed_at"] == .null)
        #expect(copy["signers"]?[0]?["status"] == "initiated" && copy["signers"]?[0]?["id"] != .string(signer))
        let newSigner = copy["signers"]?[0]?["id"]?.stringValue ?? ""
        let newDoc = copy["documents"]?[0]?["id"]?.stringValue ?? ""
        let fields = try await api.get("/v3/signature_requests/\(copy.id)/documents/\(newDoc)/fields")
        #expect(fields["data"]?[0]?["signer_id"] == .string(newSigner))
        #expect(try await api.get("/v3/signature_requests/\(copy.id)/documents/\(newDoc)/download").response.body == samplePDF)
        #expect(try await api.post("/v3/signature_requests/\(copy.id)/activate").status == 201)
        let unknown = try await api.post("/v3/signature_requests", .object(["signature_request_id": "00000000-0000-4000-8000-00000000ffff"]))
        #expect(unknown.status == 404)
        let extra = try await api.post("/v3/signature_requests", .object(["signature_request_id": .string(sr), "delivery_mode": "none"]))
        #expect(extra["invalid_params"]?[0]?["name"] == "delivery_mode")
    }

    @Test("zip archives: CRC-32 and the end-of-central-directory record")
    func zip() {
        #expect(ZipArchive.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        let archive = ZipArchive.make([(name: "a.txt", bytes: Array("hi".utf8)), (name: "b.txt", bytes: [])], date: Date(timeIntervalSince1970: 0))
        #expect(zipEntryCount(archive) == 2)
        #expect(zipNames(archive) == ["a.txt", "b.txt"])
        #expect(ZipArchive.uniqueNames(["a.pdf", "a.pdf", "b"]) == ["a.pdf", "a (2).pdf", "b"])
    }
}

/// The entry count of a zip's end-of-central-directory record.
func zipEntryCount(_ bytes: [UInt8]) -> Int? {
    guard bytes.count >= 22 else { return nil }
    let eocd = bytes.count - 22
    guard bytes[eocd..<eocd + 4].elementsEqual([0x50, 0x4B, 0x05, 0x06]) else { return nil }
    return Int(bytes[eocd + 10]) | Int(bytes[eocd + 11]) << 8
}

/// The names in a zip's local file headers (stored entries).
func zipNames(_ bytes: [UInt8]) -> [String] {
    var names: [String] = []
    var i = 0
    func le(_ at: Int, _ n: Int) -> Int { (0..<n).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
    while i + 30 <= bytes.count, bytes[i..<i + 4].elementsEqual([0x50, 0x4B, 0x03, 0x04]) {
        let size = le(i + 18, 4)
        let nameLength = le(i + 26, 2)
        let extra = le(i + 28, 2)
        names.append(String(decoding: bytes[i + 30..<i + 30 + nameLength], as: UTF8.self))
        i += 30 + nameLength + extra + size
    }
    return names
}
