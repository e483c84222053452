import Foundation
import GRDB
import JSONCodec
import YousignWire

/// Fields on a document (§6.3): create, the paginated list with its filters, PATCH, DELETE
/// (draft only) and `answer` (ongoing only, 204). The spec has no GET for one field, so that
/// path answers 405 like Yousign's.
extension SignatureRequestRoutes {
    static let maxFields = 500

    static func registerFields(_ r: inout Router) {
        let path = "\(base)/documents/{documentId}/fields"
        r.post(path, addField)
        r.get(path) { c in
            let (id, _) = try SignatureRequestStore.load(c)
            let (docID, _) = try SignatureRequestStore.child(c, .document, param: "documentId", what: "document", parent: id)
            let filters = try Filters(c, allowed: ["type": ["eq", "in"], "signer_id": ["eq"], "name": ["eq"]])
            let items = try c.db.resources(.field, parent: docID).filter { filters.matches($0.body) }
            let db = c.db
            return Responses.json(200, try Pagination.page(items, c) { renderField(db, $0) })
        }
        r.patch("\(path)/{fieldId}", updateField)
        r.delete("\(path)/{fieldId}") { c in
            let (id, sr) = try SignatureRequestStore.load(c)
            let (docID, _) = try SignatureRequestStore.child(c, .document, param: "documentId", what: "document", parent: id)
            let (fieldID, _) = try SignatureRequestStore.child(c, .field, param: "fieldId", what: "field", parent: docID)
            try SignatureRequestStore.requireDraft(sr, "Deleting a field")
            try c.db.deleteResource(.field, fieldID)
            return Responses.empty()
        }
        r.post("\(path)/{fieldId}/answer", answerField)
    }

    static func renderField(_ db: Database, _ field: JSONObject) -> JSONValue {
        let signer = field["signer_id"]?.stringValue.flatMap { try? db.resource(.signer, $0) }
        return SignatureRequestRender.field(field, signer: signer)
    }

    static func addField(_ c: inout RequestContext) throws -> WireResponse {
        let (id, sr) = try SignatureRequestStore.load(c)
        let (docID, doc) = try SignatureRequestStore.child(c, .document, param: "documentId", what: "document", parent: id)
        try SignatureRequestStore.requireDraft(sr, "Adding a field")
        var body = BodyReader(try c.jsonBody())
        var field = try newField(c, &body, srID: id, doc: doc, signerID: nil)
        try body.check()
        try checkPlacement(c, id, [doc], adding: 1)
        field["id"] = .string(c.newID())
        field["document_id"] = .string(docID)
        field["_signature_request_id"] = .string(id)
        try c.db.insertResource(.field, id: field.recordID, parent: docID, body: field)
        return Responses.json(201, renderField(c.db, field))
    }

    /// Reads a new field. `signerID` is set for the inline fields of a new signer, which name
    /// their document instead (`FieldsInput`); `doc` is set for fields created on a document.
    static func newField(_ c: RequestContext, _ body: inout BodyReader, srID: String, doc: JSONObject?, signerID: String?) throws -> JSONObject {
        let inline = signerID != nil
        guard let type = body.enumeration("type", inline ? SignatureRequestFields.inlineTypes : SignatureRequestFields.types, required: true) else {
            return [:]
        }
        var field: JSONObject = ["type": .string(type)]
        var document = doc
        if inline, let docID = body.uuid("document_id", required: true) {
            document = try c.db.resourceParent(.document, docID) == srID ? try c.db.resource(.document, docID) : nil
            if document == nil { body.problem("document_id", "No such document in this signature request.") } else { field["document_id"] = .string(docID) }
        }
        if let signerID {
            field["signer_id"] = .string(signerID)
        } else if type != "read_only_text", let s = body.uuid("signer_id", required: true) {
            if try c.db.resourceParent(.signer, s) == srID { field["signer_id"] = .string(s) } else { body.problem("signer_id", "No such signer in this signature request.") }
        }
        SignatureRequestFields.read(&body, type: type, creating: true, into: &field)
        var allowed = SignatureRequestFields.allowedKeys(type)
        if inline { allowed.remove("signer_id"); allowed.insert("document_id") }
        body.rejectUnknown(allowed)
        if let document { try checkField(c, &body, field, document) }
        return field
    }

    /// A field's page must exist, and its signer must not be excluded from the document [I].
    static func checkField(_ c: RequestContext, _ body: inout BodyReader, _ field: JSONObject, _ doc: JSONObject) throws {
        if let pages = doc["total_pages"]?.intValue, let page = field["page"]?.intValue, page > pages {
            body.problem("page", "The document has \(pages) page\(pages == 1 ? "" : "s").")
        }
        if let signerID = field["signer_id"]?.stringValue,
           (doc["excluded_signers"]?.arrayValue ?? []).contains(.string(signerID)) {
            body.problem("signer_id", "This signer is excluded from the document.")
        }
    }

    /// Fields go on signable, unlocked documents, at most 500 per request [I: types
    /// `document.not_signable`, `field.limit_reached`].
    static func checkPlacement(_ c: RequestContext, _ srID: String, _ docs: [JSONObject], adding: Int) throws {
        for doc in docs {
            guard doc["nature"]?.stringValue == "signable_document" else {
                throw APIError.badRequest("document.not_signable", "Fields can only be placed on signable documents; \(doc.recordID) is an attachment.")
            }
            if doc["is_locked"]?.boolValue == true {
                throw APIError.badRequest("document.locked", "Document \(doc.recordID) is password-protected: provide its password first.")
            }
        }
        if try SignatureRequestStore.fields(c.db, srID).count + adding > maxFields {
            throw APIError.badRequest("field.limit_reached", "A signature request holds at most \(maxFields) fields.")
        }
    }

    static func updateField(_ c: inout RequestContext) throws -> WireResponse {
        let (id, sr) = try SignatureRequestStore.load(c)
        let (docID, doc) = try SignatureRequestStore.child(c, .document, param: "documentId", what: "document", parent: id)
        var (fieldID, field) = try SignatureRequestStore.child(c, .field, param: "fieldId", what: "field", parent: docID)
        try SignatureRequestStore.requireDraft(sr, "Updating a field")
        var body = BodyReader(try c.jsonBody())
        let type = field["type"]?.stringValue ?? ""
        if let t = body.string("type"), t != type { body.problem("type", "The type of a field cannot be changed.") }
        if type != "read_only_text", let s = body.uuid("signer_id") {
            if try c.db.resourceParent(.signer, s) == id { field["signer_id"] = .string(s) } else { body.problem("signer_id", "No such signer in this signature request.") }
        }
        SignatureRequestFields.read(&body, type: type, creating: false, into: &field)
        body.rejectUnknown(SignatureRequestFields.allowedKeys(type))
        try checkField(c, &body, field, doc)
        try body.check()
        try c.db.saveResource(.field, fieldID, field)
        return Responses.json(200, renderField(c.db, field))
    }

    /// Fills a text, checkbox or radio-group field with what a signer entered in the
    /// integrator's own signing interface [I: read-only fields and other types give
    /// `field.type_not_compatible`].
    static func answerField(_ c: inout RequestContext) throws -> WireResponse {
        let (id, sr) = try SignatureRequestStore.load(c)
        let (docID, _) = try SignatureRequestStore.child(c, .document, param: "documentId", what: "document", parent: id)
        var (fieldID, field) = try SignatureRequestStore.child(c, .field, param: "fieldId", what: "field", parent: docID)
        var body = BodyReader(try c.jsonBody())
        let value = body["value"]
        if value == nil || value == .null { body.problem("value", "This field is missing.") }
        body.rejectUnknown(["value"])
        try body.check()
        let status = SignatureRequestStore.status(sr)
        guard status == .ongoing else {
            throw APIError.statusNotCompatible("signature_request", "Fields can only be answered while the signature request is ongoing; it is \(status).")
        }
        let type = field["type"]?.stringValue ?? ""
        guard ["text", "checkbox", "radio_group"].contains(type), field["read_only"]?.boolValue != true else {
            throw APIError.badRequest("field.type_not_compatible", "Only text, checkbox and radio group fields that are not read-only can be answered; this one is \(type).")
        }
        switch (type, value!) {
        case ("text", .string(let s)):
            let max = Int(field["max_length"]?.intValue ?? 32767)
            guard !s.isEmpty, s.count <= max else { throw APIError.validation("value", "The answer must have 1 to \(max) characters.") }
            field["answer"] = .string(s)
        case ("checkbox", .bool(let b)):
            field["checked"] = .bool(b)
        case ("radio_group", .string(let s)):
            let radios = field["radios"]?.arrayValue ?? []
            guard radios.contains(where: { $0["name"]?.stringValue == s }) else {
                throw APIError.validation("value", "The answer must be the name of one of the group's radios.")
            }
            field["radios"] = .array(radios.map { r in
                guard var o = r.objectValue else { return r }
                o["checked"] = .bool(o["name"]?.stringValue == s)
                return .object(o)
            })
        default:
            throw APIError.validation("value", type == "checkbox" ? "This value should be of type boolean." : "This value should be of type string.")
        }
        try c.db.saveResource(.field, fieldID, field)
        return Responses.empty()
    }
}
