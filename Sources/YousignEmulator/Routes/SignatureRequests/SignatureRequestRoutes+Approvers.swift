import Foundation
import JSONCodec
import YousignWire

/// Approvers (§6.3): create (from scratch or from one of the request's signers), read, PATCH
/// and DELETE while the request is a draft, and `send_reminder` while it is in approval.
extension SignatureRequestRoutes {
    static let maxApprovers = 10
    static let approverKeys: Set<String> = ["info", "user_id", "contact_id", "signer_id", "custom_text", "insert_after_id", "group_with_id", "excluded_documents"]

    static func registerApprovers(_ r: inout Router) {
        let one = "\(base)/approvers/{approverId}"
        r.post("\(base)/approvers", addApprover)
        r.get(one) { c in
            let (id, _) = try SignatureRequestStore.load(c)
            let (_, approver) = try SignatureRequestStore.child(c, .approver, param: "approverId", what: "approver", parent: id)
            return Responses.json(200, SignatureRequestRender.approver(approver))
        }
        r.patch(one, updateApprover)
        r.delete(one) { c in
            let (id, sr) = try SignatureRequestStore.load(c)
            let (approverID, _) = try SignatureRequestStore.child(c, .approver, param: "approverId", what: "approver", parent: id)
            try SignatureRequestStore.requireDraft(sr, "Deleting an approver")
            try c.db.deleteResource(.approver, approverID)
            try SignatureRequestStore.restage(c.db, id)
            return Responses.empty()
        }
        r.post("\(one)/send_reminder") { c in
            let (id, _) = try SignatureRequestStore.load(c)
            let (approverID, _) = try SignatureRequestStore.child(c, .approver, param: "approverId", what: "approver", parent: id)
            let sr = try SignatureRequestLifecycle.inApproval(c, id)
            _ = try SignatureRequestLifecycle.notifiedApprover(c, sr.recordID, approverID)
            return Responses.empty(201)
        }
    }

    /// [I] an approver made from a signer (`signer_id`) copies the signer's `info`.
    static func addApprover(_ c: inout RequestContext) throws -> WireResponse {
        let (id, sr) = try SignatureRequestStore.load(c)
        try SignatureRequestStore.requireDraft(sr, "Adding an approver")
        var body = BodyReader(try c.jsonBody())
        let approverID = c.newID()
        var approver: JSONObject = [
            "id": .string(approverID), "status": ApproverStatus.initiated.json, "approval_link": .null, "approval_link_expiration_date": .null,
            "custom_text": SignatureRequestRecipients.emptyCustomText, "approved_at": .null, "recipient_stage_index": 0,
            "excluded_documents": .array([]),
        ]
        let referenced = SignatureRequestRecipients.rejectReferences(&body, [("user_id", "User"), ("contact_id", "Contact")])
        if let signerID = body.uuid("signer_id") {
            if try c.db.resourceParent(.signer, signerID) == id, let signer = try c.db.resource(.signer, signerID) {
                approver["info"] = signer["info"]
            } else {
                body.problem("signer_id", "No such signer in this signature request.")
            }
        } else if !referenced, let info = SignatureRequestRecipients.info(&body, creating: true, humanNames: false, existing: nil) {
            approver["info"] = .object(info)
        }
        if let t = SignatureRequestRecipients.customText(&body, existing: approver["custom_text"]) { approver["custom_text"] = t }
        let (_, after) = try SignatureRequestRecipients.placement(&body, c, kind: .approver, srID: id, selfID: approverID, into: &approver)
        body.rejectUnknown(approverKeys)
        try body.check()
        let siblings = try SignatureRequestStore.approvers(c.db, id)
        guard siblings.count < maxApprovers else {
            throw APIError.badRequest("approver.limit_reached", "A signature request holds at most \(maxApprovers) approvers.") // [I] type
        }
        if let email = approver["info"]?["email"], siblings.contains(where: { $0["info"]?["email"] == email }) {
            throw APIError.badRequest("approver.already_attached_to_signature_request", "An approver with this e-mail address is already attached to the signature request.")
        }
        approver["_rank"] = .double(try SignatureRequestStore.rank(after: after, among: siblings))
        try c.db.insertResource(.approver, id: approverID, parent: id, body: approver)
        try SignatureRequestStore.restage(c.db, id)
        return Responses.json(201, SignatureRequestRender.approver(try c.db.resource(.approver, approverID)!))
    }

    static func updateApprover(_ c: inout RequestContext) throws -> WireResponse {
        let (id, sr) = try SignatureRequestStore.load(c)
        var (approverID, approver) = try SignatureRequestStore.child(c, .approver, param: "approverId", what: "approver", parent: id)
        try SignatureRequestStore.requireDraft(sr, "Updating an approver")
        var body = BodyReader(try c.jsonBody())
        if let info = SignatureRequestRecipients.info(&body, creating: false, humanNames: false, existing: approver["info"]?.objectValue) {
            approver["info"] = .object(info)
        }
        if let t = SignatureRequestRecipients.customText(&body, existing: approver["custom_text"]) { approver["custom_text"] = t }
        let (moved, after) = try SignatureRequestRecipients.placement(&body, c, kind: .approver, srID: id, selfID: approverID, into: &approver)
        body.rejectUnknown(["info", "custom_text", "insert_after_id", "group_with_id", "excluded_documents"])
        try body.check()
        if moved {
            let others = try SignatureRequestStore.approvers(c.db, id).filter { $0.recordID != approverID }
            approver["_rank"] = .double(try SignatureRequestStore.rank(after: after, among: others))
        }
        try c.db.saveResource(.approver, approverID, approver)
        try SignatureRequestStore.restage(c.db, id)
        return Responses.json(200, SignatureRequestRender.approver(try c.db.resource(.approver, approverID)!))
    }
}
