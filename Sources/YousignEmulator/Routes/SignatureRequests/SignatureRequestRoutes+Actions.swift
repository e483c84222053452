import Foundation
import JSONCodec
import YousignWire

/// activate, cancel, reactivate (all 201, §10.5) and DELETE (soft or permanent), with the
/// status rules of §6.2.
extension SignatureRequestRoutes {
    static func registerActions(_ r: inout Router) {
        r.post("\(base)/activate", activate)
        r.post("\(base)/cancel", cancel)
        r.post("\(base)/reactivate", reactivate)
        r.delete(base, delete)
    }

    /// draft → approval/ongoing. Needs a signer, a signable document and a signature field
    /// for every signer [I: error types `signature_request.no_signer`,
    /// `signature_request.no_signable_document`, `signer.no_signature_field`; a locked PDF
    /// gives `document.locked`].
    static func activate(_ c: inout RequestContext) throws -> WireResponse {
        let (id, sr) = try SignatureRequestStore.load(c)
        var body = BodyReader(try c.jsonBody(allowEmpty: true))
        let senderID = body.uuid("sender_id")
        body.rejectUnknown(["sender_id"])
        try body.check()
        let status = SignatureRequestStore.status(sr)
        guard status == .draft else {
            throw APIError.statusNotCompatible("signature_request", "Only a draft signature request can be activated; this one is \(status).")
        }
        let sender = try activationSender(c, sr, senderID)
        let signers = try SignatureRequestStore.signers(c.db, id)
        guard !signers.isEmpty else {
            throw APIError.badRequest("signature_request.no_signer", "A signature request needs at least one signer to be activated.")
        }
        let documents = try SignatureRequestStore.documents(c.db, id)
        guard documents.contains(where: { $0["nature"]?.stringValue == "signable_document" }) else {
            throw APIError.badRequest("signature_request.no_signable_document", "A signature request needs at least one signable document to be activated.")
        }
        if let locked = documents.first(where: { $0["is_locked"]?.boolValue == true }) {
            throw APIError.badRequest("document.locked", "Document \(locked.recordID) is password-protected: provide its password before activating.")
        }
        let fields = try SignatureRequestStore.fields(c.db, id)
        for signer in signers where !fields.contains(where: { $0["type"]?.stringValue == "signature" && $0["signer_id"]?.stringValue == signer.recordID }) {
            throw APIError.badRequest("signer.no_signature_field", "Signer \(signer.recordID) has no signature field.")
        }
        if let day = sr["_expiration_day"]?.stringValue { try SignatureRequestExpiration.checkRange(day, now: c.now) }
        try SignatureRequestLifecycle.activate(&c, id, sender: sender)
        return Responses.json(201, try SignatureRequestRender.activated(c.db, try c.db.resource(.signatureRequest, id)!))
    }

    /// The request's `sender`: a user of its workspace, required when the e-mail sender type is
    /// `user` [I: users have no e-mail in the emulator, so the sender is `{id}`].
    private static func activationSender(_ c: RequestContext, _ sr: JSONObject, _ senderID: String?) throws -> JSONValue {
        guard let senderID else {
            if sr["email_notification"]?["sender"]?["type"]?.stringValue == "user" {
                throw APIError.validation("sender_id", "A sender_id is required when the e-mail sender type is user.")
            }
            return .null
        }
        let workspace = try sr["workspace_id"]?.stringValue.flatMap { try c.db.resource(.workspace, $0) }
        let users = (workspace?["users"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        guard users.contains(senderID) else { throw APIError.validation("sender_id", "This user is not a member of the signature request's workspace.") }
        return .object(["id": .string(senderID)])
    }

    static func cancel(_ c: inout RequestContext) throws -> WireResponse {
        let (id, sr) = try SignatureRequestStore.load(c)
        var body = BodyReader(try c.jsonBody())
        let reason = body.enumeration("reason", ["contractualization_aborted", "errors_in_document", "other"], required: true)
        let note = body.string("custom_note", max: 500, format: .safe)
        body.rejectUnknown(["reason", "custom_note"])
        try body.check()
        let status = SignatureRequestStore.status(sr)
        guard [.approval, .ongoing].contains(status) else {
            throw APIError.statusNotCompatible("signature_request", "Only a signature request in approval or ongoing can be canceled; this one is \(status).")
        }
        try SignatureRequestLifecycle.cancel(&c, id, reason: reason!, note: note)
        return Responses.json(201, try SignatureRequestRender.full(c.db, try c.db.resource(.signatureRequest, id)!))
    }

    static func reactivate(_ c: inout RequestContext) throws -> WireResponse {
        let (id, sr) = try SignatureRequestStore.load(c)
        var body = BodyReader(try c.jsonBody())
        let day = body.string("expiration_date", required: true, max: 10, format: .date)
        body.rejectUnknown(["expiration_date"])
        try body.check()
        let status = SignatureRequestStore.status(sr)
        guard status == .expired else {
            throw APIError.statusNotCompatible("signature_request", "Only an expired signature request can be reactivated; this one is \(status).")
        }
        try SignatureRequestExpiration.checkRange(day!, now: c.now)
        try SignatureRequestLifecycle.reactivate(&c, id, day: day!)
        return Responses.json(201, try SignatureRequestRender.full(c.db, try c.db.resource(.signatureRequest, id)!))
    }

    /// Soft delete (status `deleted`, still readable) or `?permanent_delete=true` (gone); never
    /// in approval or ongoing. Deleting an already deleted request again softly is refused [I].
    static func delete(_ c: inout RequestContext) throws -> WireResponse {
        var (id, sr) = try SignatureRequestStore.load(c)
        let permanent: Bool
        switch c.request.queryValue("permanent_delete") {
        case nil, "false", "0": permanent = false
        case "true", "1": permanent = true
        default: throw APIError.validation("permanent_delete", "This value should be of type boolean.")
        }
        let status = SignatureRequestStore.status(sr)
        guard ![.approval, .ongoing].contains(status), permanent || status != .deleted else {
            throw APIError.statusNotCompatible("signature_request", "A signature request in \(status) cannot be deleted\(status == .deleted ? " again" : "; cancel it first").")
        }
        try SignatureRequestExpiration.cancel(c.db, id)
        if permanent {
            let last = try SignatureRequestRender.full(c.db, sr)
            let session = sr["workflow_session_id"]?.stringValue
            try SignatureRequestStore.purge(c.db, id)
            c.emit("signature_request.permanently_deleted", workspace: sr["workspace_id"]?.stringValue, ["signature_request": last])
            if let session { try SessionLinks.refresh(&c, sessionID: session) }
        } else {
            sr.setStatus(SignatureRequestStatus.deleted)
            try c.db.saveResource(.signatureRequest, id, sr)
            try SignatureRequestLifecycle.emit(&c, "signature_request.deleted", id)
            try SessionLinks.resourceChanged(&c, kind: .signatureRequest, id: id)
        }
        return Responses.empty()
    }
}
