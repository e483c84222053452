import Foundation
import JSONCodec
import YousignWire

/// Signature requests (API.md §6): the request itself here and in `+Create`, `+List`,
/// `+Actions`; its documents, signers, fields, approvers, followers, downloads and audit
/// trails in their own files; the `/_emulator` routes that stand in for signers and approvers
/// in `+Control`. The status machine is `SignatureRequestLifecycle`.
enum SignatureRequestRoutes {
    static let base = "/v3/signature_requests/{signatureRequestId}"

    static func register(_ r: inout Router) {
        r.post("/v3/signature_requests", create)
        r.get("/v3/signature_requests", list)
        r.get(base) { c in
            let (_, sr) = try SignatureRequestStore.load(c)
            return Responses.json(200, try SignatureRequestRender.full(c.db, sr))
        }
        r.patch(base, update)
        registerActions(&r)
        registerDocuments(&r)
        registerDownloads(&r)
        registerSigners(&r)
        registerFields(&r)
        registerApprovers(&r)
        registerFollowers(&r)
        registerAuditTrails(&r)
        registerControl(&r)
    }

    /// PATCH: any setting, while the request is a draft [I: the spec is silent; §6.2].
    static func update(_ c: inout RequestContext) throws -> WireResponse {
        var (id, sr) = try SignatureRequestStore.load(c)
        try SignatureRequestStore.requireDraft(sr, "Updating a signature request")
        var body = BodyReader(try c.jsonBody())
        let changes = try SignatureRequestSettings.read(&body, c, creating: false)
        body.rejectUnknown(SignatureRequestSettings.patchKeys)
        try body.check()
        if let day = changes["_expiration_day"]?.stringValue { try SignatureRequestExpiration.checkRange(day, now: c.now) }
        for (key, value) in changes { sr[key] = value }
        if changes["_expiration_day"] != nil || changes["timezone"] != nil {
            sr["expiration_date"] = SignatureRequestExpiration.value(sr, from: Timestamp.parse(sr["created_at"]?.stringValue ?? "") ?? c.now)
        }
        try c.db.saveResource(.signatureRequest, id, sr)
        if changes["ordered_signers"] != nil || changes["ordered_approvers"] != nil { try SignatureRequestStore.restage(c.db, id) }
        return Responses.json(200, try SignatureRequestRender.full(c.db, sr))
    }
}
