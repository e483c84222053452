import Foundation
import JSONCodec
import YousignWire

/// Signers (§6.3): create (from scratch, with inline fields), the bare-array list, read, PATCH
/// and DELETE while the request is a draft, and `send_reminder` while it is ongoing.
extension SignatureRequestRoutes {
    static let maxSigners = 100
    static let signerKeys: Set<String> = [
        "info", "user_id", "contact_id", "verified_identity_id", "fields", "insert_after_id", "group_with_id", "signature_level",
        "signature_authentication_mode", "redirect_urls", "custom_text", "delivery_mode", "identification_attestation_id",
        "sms_notification", "email_notification", "pre_identity_verification_required", "excluded_documents",
    ]

    static func registerSigners(_ r: inout Router) {
        r.post("\(base)/signers", addSigner)
        r.get("\(base)/signers") { c in
            let (id, _) = try SignatureRequestStore.load(c)
            return Responses.json(200, .array(try SignatureRequestStore.signers(c.db, id).map { try SignatureRequestRender.signer(c.db, $0) }))
        }
        r.get("\(base)/signers/{signerId}") { c in
            let (id, _) = try SignatureRequestStore.load(c)
            let (_, signer) = try SignatureRequestStore.child(c, .signer, param: "signerId", what: "signer", parent: id)
            return Responses.json(200, try SignatureRequestRender.signer(c.db, signer))
        }
        r.patch("\(base)/signers/{signerId}", updateSigner)
        r.delete("\(base)/signers/{signerId}") { c in
            let (id, sr) = try SignatureRequestStore.load(c)
            let (signerID, _) = try SignatureRequestStore.child(c, .signer, param: "signerId", what: "signer", parent: id)
            try SignatureRequestStore.requireDraft(sr, "Deleting a signer")
            for field in try SignatureRequestStore.fields(c.db, id) where field["signer_id"]?.stringValue == signerID {
                try c.db.deleteResource(.field, field.recordID)
            }
            try c.db.deleteResource(.signer, signerID)
            try SignatureRequestStore.restage(c.db, id)
            return Responses.empty()
        }
        r.post("\(base)/signers/{signerId}/send_reminder") { c in
            let (id, _) = try SignatureRequestStore.load(c)
            let (signerID, _) = try SignatureRequestStore.child(c, .signer, param: "signerId", what: "signer", parent: id)
            let sr = try SignatureRequestLifecycle.ongoing(c, id, "Sending a reminder")
            let signer = try SignatureRequestLifecycle.notifiedSigner(c, sr, signerID, "be reminded")
            // a manual reminder is reported like Yousign's own reminders [I]
            try SignatureRequestLifecycle.emit(&c, "signature_request.reminder_executed", id, signer: signer)
            return Responses.empty(201)
        }
        registerSigning(&r)
    }

    static func addSigner(_ c: inout RequestContext) throws -> WireResponse {
        let (id, sr) = try SignatureRequestStore.load(c)
        try SignatureRequestStore.requireDraft(sr, "Adding a signer")
        var body = BodyReader(try c.jsonBody())
        let signerID = c.newID()
        var signer: JSONObject = [
            "id": .string(signerID), "status": SignerStatus.initiated.json, "signature_authentication_mode": .null, "signature_link": .null,
            "signature_link_expiration_date": .null, "signature_image_preview": .null,
            "redirect_urls": .object(["success": .null, "error": .null, "decline": .null]),
            "custom_text": SignatureRequestRecipients.emptyCustomText, "delivery_mode": .null, "identification_attestation_id": .null,
            "sms_notification": .object(["otp_message": .object(["custom_text": .null])]), "email_notification": .object(["disabled": .array([])]),
            "pre_identity_verification_required": false, "verified_identity_id": .null, "recipient_stage_index": 0,
            "excluded_documents": .array([]), "signed_at": .null, "_signature_request_id": .string(id),
        ]
        let referenced = SignatureRequestRecipients.rejectReferences(&body, [("user_id", "User"), ("contact_id", "Contact"), ("verified_identity_id", "Verified identity")])
        if !referenced, let info = SignatureRequestRecipients.info(&body, creating: true, humanNames: true, existing: nil) { signer["info"] = .object(info) }
        SignatureRequestRecipients.signerOptions(&body, creating: true, into: &signer)
        let (_, after) = try SignatureRequestRecipients.placement(&body, c, kind: .signer, srID: id, selfID: signerID, into: &signer)
        var fields: [JSONObject] = []
        if let items = body.array("fields", max: maxFields) {
            for (i, item) in items.enumerated() {
                guard case .object(let o) = item else { body.problem("fields[\(i)]", "This value should be of type object."); continue }
                var reader = BodyReader(o, prefix: "fields[\(i)]")
                fields.append(try newField(c, &reader, srID: id, doc: nil, signerID: signerID))
                body.merge(reader)
            }
        }
        body.rejectUnknown(signerKeys)
        SignatureRequestRecipients.checkSigner(&body, signer, sr)
        try body.check()
        let siblings = try SignatureRequestStore.signers(c.db, id)
        guard siblings.count < maxSigners else {
            throw APIError.badRequest("signer.limit_reached", "A signature request holds at most \(maxSigners) signers.") // [I] type
        }
        let documents = try SignatureRequestStore.documents(c.db, id)
        if let locked = documents.first(where: { $0["is_locked"]?.boolValue == true }) {
            throw APIError.badRequest("document.locked", "Document \(locked.recordID) is password-protected: provide its password before adding signers.")
        }
        let fieldDocs = documents.filter { doc in fields.contains { $0["document_id"]?.stringValue == doc.recordID } }
        try checkPlacement(c, id, fieldDocs, adding: fields.count)
        signer["_rank"] = .double(try SignatureRequestStore.rank(after: after, among: siblings))
        try c.db.insertResource(.signer, id: signerID, parent: id, body: signer)
        for var field in fields {
            field["id"] = .string(c.newID())
            field["_signature_request_id"] = .string(id)
            try c.db.insertResource(.field, id: field.recordID, parent: field["document_id"]?.stringValue, body: field)
        }
        try SignatureRequestStore.restage(c.db, id)
        return Responses.json(201, try SignatureRequestRender.signer(c.db, try c.db.resource(.signer, signerID)!))
    }

    static func updateSigner(_ c: inout RequestContext) throws -> WireResponse {
        let (id, sr) = try SignatureRequestStore.load(c)
        var (signerID, signer) = try SignatureRequestStore.child(c, .signer, param: "signerId", what: "signer", parent: id)
        try SignatureRequestStore.requireDraft(sr, "Updating a signer")
        var body = BodyReader(try c.jsonBody())
        if body.isNull("info") { body.problem("info", "This value should not be null.") }
        if let info = SignatureRequestRecipients.info(&body, creating: false, humanNames: true, existing: signer["info"]?.objectValue) {
            signer["info"] = .object(info)
        }
        SignatureRequestRecipients.signerOptions(&body, creating: false, into: &signer)
        let (moved, after) = try SignatureRequestRecipients.placement(&body, c, kind: .signer, srID: id, selfID: signerID, into: &signer)
        body.rejectUnknown(signerKeys.subtracting(["user_id", "contact_id", "verified_identity_id", "fields"]))
        SignatureRequestRecipients.checkSigner(&body, signer, sr)
        try body.check()
        if moved {
            let others = try SignatureRequestStore.signers(c.db, id).filter { $0.recordID != signerID }
            signer["_rank"] = .double(try SignatureRequestStore.rank(after: after, among: others))
        }
        try c.db.saveResource(.signer, signerID, signer)
        try SignatureRequestStore.restage(c.db, id)
        return Responses.json(200, try SignatureRequestRender.signer(c.db, try c.db.resource(.signer, signerID)!))
    }
}
