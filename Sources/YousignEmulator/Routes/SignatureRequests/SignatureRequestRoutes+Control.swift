import Foundation
import JSONCodec
import YousignWire

/// The control surface that stands in for signers and approvers (docs/emulator.md): sign,
/// decline, approve, reject. Each follows the status machine exactly as a real recipient
/// would (same checks, same webhooks) and answers the changed signature request (200).
extension SignatureRequestRoutes {
    static let controlBase = "/_emulator/signature_requests/{signatureRequestId}"

    static func registerControl(_ r: inout Router) {
        r.add("POST", "\(controlBase)/signers/{signerId}/sign", auth: false) { c in
            let (id, signerID) = try recipient(c, .signer, "signerId", "signer")
            _ = try optionalBody(c, [])
            try SignatureRequestLifecycle.sign(&c, id, signerID)
            return try changed(c, id)
        }
        r.add("POST", "\(controlBase)/signers/{signerId}/decline", auth: false) { c in
            let (id, signerID) = try recipient(c, .signer, "signerId", "signer")
            let reason = try optionalBody(c, ["reason"])
            try SignatureRequestLifecycle.decline(&c, id, signerID, reason: reason ?? "Declined through the emulator.")
            return try changed(c, id)
        }
        r.add("POST", "\(controlBase)/approvers/{approverId}/approve", auth: false) { c in
            let (id, approverID) = try recipient(c, .approver, "approverId", "approver")
            _ = try optionalBody(c, [])
            try SignatureRequestLifecycle.approve(&c, id, approverID)
            return try changed(c, id)
        }
        r.add("POST", "\(controlBase)/approvers/{approverId}/reject", auth: false) { c in
            let (id, approverID) = try recipient(c, .approver, "approverId", "approver")
            let reason = try optionalBody(c, ["reason"])
            try SignatureRequestLifecycle.reject(&c, id, approverID, reason: reason ?? "Rejected through the emulator.")
            return try changed(c, id)
        }
    }

    private static func recipient(_ c: RequestContext, _ kind: ResourceKind, _ param: String, _ what: String) throws -> (String, String) {
        let (id, _) = try SignatureRequestStore.load(c)
        let (recipientID, _) = try SignatureRequestStore.child(c, kind, param: param, what: what, parent: id)
        return (id, recipientID)
    }

    /// An optional JSON body, with at most a `reason` (1–255 characters).
    private static func optionalBody(_ c: RequestContext, _ keys: Set<String>) throws -> String? {
        var body = BodyReader(try c.jsonBody(allowEmpty: true))
        let reason = keys.contains("reason") ? body.string("reason", max: 255) : nil
        body.rejectUnknown(keys)
        try body.check()
        return reason
    }

    private static func changed(_ c: RequestContext, _ id: String) throws -> WireResponse {
        Responses.json(200, try SignatureRequestRender.full(c.db, try c.db.resource(.signatureRequest, id)!))
    }
}
