import Foundation
import JSONCodec
import YousignWire

/// A request's documents (§6.3): multipart upload (or the electronic-seal JSON variant), the
/// bare-array list, read, PATCH, DELETE and replace. Every change needs a draft (§6.2).
extension SignatureRequestRoutes {
    static let maxDocuments = 50
    static let initialsAlignments = ["left", "right", "center", "top-left", "top-right", "top-center", "bottom-left", "bottom-right", "bottom-center"]

    static func registerDocuments(_ r: inout Router) {
        r.post("\(base)/documents", addDocument)
        r.get("\(base)/documents") { c in
            let (id, _) = try SignatureRequestStore.load(c)
            let filters = try Filters(c, allowed: ["nature": ["eq"]])
            let docs = try SignatureRequestStore.documents(c.db, id).filter { filters.matches($0) }
            return Responses.json(200, .array(docs.map(SignatureRequestRender.document)))
        }
        r.get("\(base)/documents/{documentId}") { c in
            let (id, _) = try SignatureRequestStore.load(c)
            let (_, doc) = try SignatureRequestStore.child(c, .document, param: "documentId", what: "document", parent: id)
            return Responses.json(200, SignatureRequestRender.document(doc))
        }
        r.patch("\(base)/documents/{documentId}", updateDocument)
        r.delete("\(base)/documents/{documentId}") { c in
            let (id, sr) = try SignatureRequestStore.load(c)
            let (docID, doc) = try SignatureRequestStore.child(c, .document, param: "documentId", what: "document", parent: id)
            try SignatureRequestStore.requireDraft(sr, "Deleting a document")
            try c.db.deleteResources(.field, parent: docID)
            try c.db.execute(sql: "DELETE FROM file WHERE id = ?", arguments: [doc["_file_id"]?.stringValue])
            try c.db.deleteResource(.document, docID)
            return Responses.empty()
        }
        r.post("\(base)/documents/{documentId}/replace", replaceDocument)
    }

    static func addDocument(_ c: inout RequestContext) throws -> WireResponse {
        let (id, sr) = try SignatureRequestStore.load(c)
        try SignatureRequestStore.requireDraft(sr, "Adding a document")
        if c.isJSON { try electronicSealDocument(c) }
        let form = try c.form()
        var body = BodyReader(form.fields)
        let nature = body.enumeration("nature", ["signable_document", "attachment"], required: true)
        let name = body.string("name", max: 128, pattern: SignatureRequestDocumentFile.namePattern)
        let after = body.uuid("insert_after_id")
        let password = body.string("password", max: 1024)
        let initials = readInitials(&body)
        let parseAnchors = body.bool("parse_anchors") ?? false
        let excludedSigners = try recipientIDs(&body, "excluded_signers", .signer, c, id)
        let excludedApprovers = try recipientIDs(&body, "excluded_approvers", .approver, c, id)
        body.rejectUnknown(["file", "nature", "name", "insert_after_id", "password", "initials", "parse_anchors", "excluded_signers", "excluded_approvers"])
        let file = form.files["file"]
        if let file {
            if let p = SignatureRequestDocumentFile.problem(file, nature: nature) { body.problem(p.field, p.reason) }
        } else {
            body.problem("file", "This field is missing.")
        }
        try body.check()
        let siblings = try SignatureRequestStore.documents(c.db, id)
        guard siblings.count < maxDocuments else {
            throw APIError.badRequest("document.limit_reached", "A signature request holds at most \(maxDocuments) documents.") // [I] type
        }
        let docID = c.newID()
        var doc = SignatureRequestDocumentFile.describe(file!)
        doc["id"] = .string(docID)
        doc["filename"] = .string(name ?? file!.filename)
        doc["nature"] = .string(nature!)
        doc["created_at"] = .string(c.timestamp)
        doc["is_locked"] = .bool(doc["is_protected"] == true && password == nil)
        doc["initials"] = initials.map { SignatureRequestDocumentFile.initials(alignment: $0.alignment, y: $0.y, pages: doc["total_pages"]?.intValue) } ?? .null
        doc["total_anchors"] = .integer(parseAnchors ? Int64(SignatureRequestDocumentFile.anchorCount(file!)) : 0)
        doc["excluded_signers"] = .array(excludedSigners.map(JSONValue.string))
        doc["excluded_approvers"] = .array(excludedApprovers.map(JSONValue.string))
        doc["_file_id"] = .string(docID)
        doc["_rank"] = .double(try SignatureRequestStore.rank(after: after, among: siblings))
        doc["_signature_request_id"] = .string(id)
        try c.db.storeFile(docID, file!.bytes)
        try c.db.insertResource(.document, id: docID, parent: id, body: doc)
        return Responses.json(201, SignatureRequestRender.document(doc))
    }

    /// The JSON variant adds an electronic-seal document; the emulator holds none, so the id
    /// is always unknown [I].
    private static func electronicSealDocument(_ c: RequestContext) throws -> Never {
        var body = BodyReader(try c.jsonBody())
        _ = body.uuid("electronic_seal_document_id", required: true)
        _ = body.enumeration("nature", ["signable_document", "attachment"], required: true)
        _ = body.string("name", max: 128, format: .humanName)
        _ = body.uuid("insert_after_id")
        _ = body.bool("parse_anchors")
        _ = body.array("excluded_signers")
        _ = body.array("excluded_approvers")
        body.rejectUnknown(["electronic_seal_document_id", "nature", "name", "insert_after_id", "parse_anchors", "excluded_signers", "excluded_approvers"])
        try body.check()
        throw APIError.validation("electronic_seal_document_id", "Electronic seal document not found.")
    }

    static func readInitials(_ body: inout BodyReader) -> (alignment: String, y: Int64)? {
        guard var i = body.object("initials") else { return nil }
        let alignment = i.enumeration("alignment", initialsAlignments, required: true)
        let y = i.integer("y", required: true, in: 0...Int64(Int32.max))
        i.rejectUnknown(["alignment", "y"])
        body.merge(i)
        guard let alignment, let y else { return nil }
        return (alignment, y)
    }

    /// A list of ids of this request's signers or approvers (`excluded_signers[]`, or
    /// `excluded_signers[0]` from multipart forms, or a JSON array).
    static func recipientIDs(_ body: inout BodyReader, _ key: String, _ kind: ResourceKind, _ c: RequestContext, _ srID: String) throws -> [String] {
        guard let raw = body[key], raw != .null else { return [] }
        let values: [JSONValue]
        switch raw {
        case .array(let a): values = a
        case .object(let o): values = o.keys.sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }.map { o[$0]! }
        default: body.problem(key, "This value should be of type array."); return []
        }
        var ids: [String] = []
        for (i, v) in values.enumerated() {
            guard let s = v.stringValue, Validation.isUUID(s) else { body.problem("\(key)[\(i)]", "This value is not a valid UUID."); continue }
            guard try c.db.resourceParent(kind, s.lowercased()) == srID else {
                body.problem("\(key)[\(i)]", "No such \(kind == .signer ? "signer" : "approver") in this signature request."); continue
            }
            ids.append(s.lowercased())
        }
        return ids
    }

    static func updateDocument(_ c: inout RequestContext) throws -> WireResponse {
        let (id, sr) = try SignatureRequestStore.load(c)
        var (docID, doc) = try SignatureRequestStore.child(c, .document, param: "documentId", what: "document", parent: id)
        try SignatureRequestStore.requireDraft(sr, "Updating a document")
        var body = BodyReader(try c.jsonBody())
        let nature = body.enumeration("nature", ["signable_document", "attachment"])
        let name = body.string("name", max: 128, pattern: SignatureRequestDocumentFile.namePattern)
        let after = body.uuid("insert_after_id")
        let password = body.string("password", max: 1024)
        let initials = readInitials(&body)
        let excludedSigners = body.has("excluded_signers") ? try recipientIDs(&body, "excluded_signers", .signer, c, id) : nil
        let excludedApprovers = body.has("excluded_approvers") ? try recipientIDs(&body, "excluded_approvers", .approver, c, id) : nil
        body.rejectUnknown(["nature", "insert_after_id", "password", "name", "initials", "excluded_signers", "excluded_approvers"])
        if nature == "signable_document", SignatureRequestDocumentFile.imageTypes.contains(doc["content_type"]?.stringValue ?? "") {
            body.problem("nature", "Images (PNG, JPEG) can only be attachments.")
        }
        try body.check()
        if let nature { doc["nature"] = .string(nature) }
        if let name { doc["filename"] = .string(name) }
        if let after {
            let others = try SignatureRequestStore.documents(c.db, id).filter { $0.recordID != docID }
            doc["_rank"] = .double(try SignatureRequestStore.rank(after: after, among: others))
        }
        if password != nil, doc["is_protected"] == true { doc["is_locked"] = false }
        if body.isNull("initials") { doc["initials"] = .null }
        if let initials { doc["initials"] = SignatureRequestDocumentFile.initials(alignment: initials.alignment, y: initials.y, pages: doc["total_pages"]?.intValue) }
        if let excludedSigners { doc["excluded_signers"] = .array(excludedSigners.map(JSONValue.string)) }
        if let excludedApprovers { doc["excluded_approvers"] = .array(excludedApprovers.map(JSONValue.string)) }
        try c.db.saveResource(.document, docID, doc)
        return Responses.json(200, SignatureRequestRender.document(doc))
    }

    /// Replaces the bytes and keeps the document's id and fields [I: refused with
    /// `document.not_replaceable` when a field would sit on a page the new file lacks].
    static func replaceDocument(_ c: inout RequestContext) throws -> WireResponse {
        let (id, sr) = try SignatureRequestStore.load(c)
        var (docID, doc) = try SignatureRequestStore.child(c, .document, param: "documentId", what: "document", parent: id)
        try SignatureRequestStore.requireDraft(sr, "Replacing a document")
        let form = try c.form()
        var body = BodyReader(form.fields)
        let name = body.string("name", max: 128, pattern: SignatureRequestDocumentFile.namePattern)
        body.rejectUnknown(["file", "name"])
        let upload = form.files["file"]
        if let upload {
            if let p = SignatureRequestDocumentFile.problem(upload, nature: doc["nature"]?.stringValue) { body.problem(p.field, p.reason) }
        } else {
            body.problem("file", "This field is missing.")
        }
        try body.check()
        let file = upload!
        let described = SignatureRequestDocumentFile.describe(file)
        let pages = described["total_pages"]?.intValue
        let lastFieldPage = try c.db.resources(.field, parent: docID).compactMap { $0.body["page"]?.intValue }.max()
        if let lastFieldPage, let pages, lastFieldPage > pages {
            throw APIError.badRequest("document.not_replaceable", "The new file has \(pages) pages but a field is placed on page \(lastFieldPage).")
        }
        for (key, value) in described { doc[key] = value }
        doc["filename"] = .string(name ?? file.filename)
        doc["is_locked"] = .bool(doc["is_protected"] == true)
        if case .object(let i) = doc["initials"], let a = i["alignment"]?.stringValue, let y = i["y"]?.intValue {
            doc["initials"] = SignatureRequestDocumentFile.initials(alignment: a, y: y, pages: pages)
        }
        try c.db.storeFile(doc["_file_id"]?.stringValue ?? docID, file.bytes)
        try c.db.saveResource(.document, docID, doc)
        return Responses.json(201, SignatureRequestRender.document(doc))
    }
}
