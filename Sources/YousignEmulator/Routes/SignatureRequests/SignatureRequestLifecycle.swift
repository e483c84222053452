import Foundation
import GRDB
import JSONCodec

/// The status machine of §6.1: what activation, approvals, signatures, declines, rejections,
/// cancellation, expiry and reactivation do to a request and its recipients, and the webhooks
/// each transition emits. Routes (the API and the `/_emulator` control surface) check the
/// request's shape, then call in here; every status change ends with the request's workflow
/// session following it (`SessionLinks.resourceChanged`).
enum SignatureRequestLifecycle {
    /// How long a signature or approval link stays valid (§2.9: 48 h by default).
    static let linkValidity: TimeInterval = 48 * 3600

    // MARK: activation and notification

    /// draft → approval (with approvers) or ongoing; `signature_request.activated`, then the
    /// first recipients are notified.
    static func activate(_ c: inout RequestContext, _ srID: String, sender: JSONValue) throws {
        guard var sr = try c.db.resource(.signatureRequest, srID) else { throw APIError.notFound("signature request") }
        let hasApprovers = try !SignatureRequestStore.approvers(c.db, srID).isEmpty
        sr.setStatus(hasApprovers ? SignatureRequestStatus.approval : .ongoing)
        sr["activated_at"] = .string(c.timestamp)
        sr["sender"] = sender
        sr["expiration_date"] = SignatureRequestExpiration.value(sr, from: c.now)
        try c.db.saveResource(.signatureRequest, srID, sr)
        try SignatureRequestExpiration.schedule(c.db, sr)
        try emit(&c, "signature_request.activated", srID)
        if hasApprovers { try notifyApprovers(&c, srID) } else { try notifySigners(&c, srID) }
        try SessionLinks.resourceChanged(&c, kind: .signatureRequest, id: srID)
    }

    /// Notifies the signers whose turn it is: all of them, or with `ordered_signers` those of the
    /// first stage that still has someone to sign (§6.1).
    static func notifySigners(_ c: inout RequestContext, _ srID: String) throws {
        guard let sr = try c.db.resource(.signatureRequest, srID) else { return }
        let pending = try SignatureRequestStore.signers(c.db, srID).filter { [.initiated, .notified].contains($0.status(SignerStatus.self)) }
        for var signer in due(pending, initiated: SignerStatus.initiated, ordered: sr["ordered_signers"]?.boolValue == true) {
            signer.setStatus(SignerStatus.notified)
            let byLink = (signer["delivery_mode"]?.stringValue ?? sr["delivery_mode"]?.stringValue) == "none"
            signer["signature_link"] = byLink ? .string(link(c, "signatures", srID, signer.recordID, "signer")) : .null
            signer["signature_link_expiration_date"] = byLink ? .string(Timestamp.string(c.now.addingTimeInterval(linkValidity))) : .null
            try c.db.saveResource(.signer, signer.recordID, signer)
            try emit(&c, "signer.notified", srID, signer: signer)
        }
    }

    /// Notifies the approvers whose turn it is (all, or the next stage with `ordered_approvers`).
    static func notifyApprovers(_ c: inout RequestContext, _ srID: String) throws {
        guard let sr = try c.db.resource(.signatureRequest, srID) else { return }
        let pending = try SignatureRequestStore.approvers(c.db, srID).filter { [.initiated, .notified].contains($0.status(ApproverStatus.self)) }
        for var approver in due(pending, initiated: ApproverStatus.initiated, ordered: sr["ordered_approvers"]?.boolValue == true) {
            approver.setStatus(ApproverStatus.notified)
            approver["approval_link"] = .string(link(c, "approvals", srID, approver.recordID, "approver"))
            approver["approval_link_expiration_date"] = .string(Timestamp.string(c.now.addingTimeInterval(linkValidity)))
            try c.db.saveResource(.approver, approver.recordID, approver)
            try emit(&c, "approver.notified", srID, approver: approver)
        }
    }

    /// The not-yet-notified recipients whose turn it is.
    private static func due<S: ResourceStatus & Equatable>(_ pending: [JSONObject], initiated: S, ordered: Bool) -> [JSONObject] {
        let initiated = pending.filter { $0.status(S.self) == initiated }
        guard ordered else { return initiated }
        guard let stage = pending.compactMap({ $0["recipient_stage_index"]?.intValue }).min() else { return [] }
        return initiated.filter { $0["recipient_stage_index"]?.intValue == stage }
    }

    /// A recipient link [I]: the shape of Yousign's app links, with an opaque token.
    static func link(_ c: RequestContext, _ page: String, _ srID: String, _ recipientID: String, _ role: String) -> String {
        "https://yousign.app/\(page)/\(srID)?s=\(c.newID().filter { $0 != "-" })&\(role)=\(recipientID)"
    }

    // MARK: recipients acting

    /// A notified signer signs: `signer.done`; the next stage is notified, or, when everyone has
    /// signed, the request is done (`signature_request.done`, `completed_at`).
    static func sign(_ c: inout RequestContext, _ srID: String, _ signerID: String) throws {
        let sr = try ongoing(c, srID, "Signing")
        var signer = try notifiedSigner(c, sr, signerID, "sign")
        signer.setStatus(SignerStatus.signed)
        signer["signed_at"] = .string(c.timestamp)
        try c.db.saveResource(.signer, signerID, signer)
        try emit(&c, "signer.done", srID, signer: signer)
        if try SignatureRequestStore.signers(c.db, srID).allSatisfy({ $0.status(SignerStatus.self) == .signed }) {
            let now = c.timestamp
            try finish(&c, srID, status: .done, event: "signature_request.done") { $0["completed_at"] = .string(now) }
        } else {
            try notifySigners(&c, srID)
        }
    }

    /// A notified signer declines (needs `signers_allowed_to_decline`): the others are aborted,
    /// `decline_information` is set; `signer.declined`, `signature_request.declined`.
    static func decline(_ c: inout RequestContext, _ srID: String, _ signerID: String, reason: String) throws {
        let sr = try ongoing(c, srID, "Declining")
        guard sr["signers_allowed_to_decline"]?.boolValue == true else {
            throw APIError.badRequest("signer.decline_not_allowed", "This signature request does not allow signers to decline (signers_allowed_to_decline is false).")
        }
        var signer = try notifiedSigner(c, sr, signerID, "decline")
        signer.setStatus(SignerStatus.declined)
        try c.db.saveResource(.signer, signerID, signer)
        try abortSigners(c.db, srID)
        try emit(&c, "signer.declined", srID, signer: signer)
        let now = c.timestamp
        try finish(&c, srID, status: .declined, event: "signature_request.declined") {
            $0["decline_information"] = .object(["signer_id": .string(signerID), "reason": .string(reason), "declined_at": .string(now)])
        }
    }

    /// A notified approver approves: `approver.approved`; when all have, the request goes
    /// ongoing (`approved_at`, `signature_request.approved`) and its signers are notified.
    static func approve(_ c: inout RequestContext, _ srID: String, _ approverID: String) throws {
        _ = try inApproval(c, srID)
        var approver = try notifiedApprover(c, srID, approverID)
        approver.setStatus(ApproverStatus.approved)
        approver["approved_at"] = .string(c.timestamp)
        try c.db.saveResource(.approver, approverID, approver)
        try emit(&c, "approver.approved", srID, approver: approver)
        guard try SignatureRequestStore.approvers(c.db, srID).allSatisfy({ $0.status(ApproverStatus.self) == .approved }) else {
            try notifyApprovers(&c, srID)
            return
        }
        var sr = try inApproval(c, srID)
        sr.setStatus(SignatureRequestStatus.ongoing)
        sr["approved_at"] = .string(c.timestamp)
        try c.db.saveResource(.signatureRequest, srID, sr)
        try emit(&c, "signature_request.approved", srID)
        try notifySigners(&c, srID)
        try SessionLinks.resourceChanged(&c, kind: .signatureRequest, id: srID)
    }

    /// A notified approver rejects: the request is rejected (`rejection_information`) and its
    /// signers aborted [I]; `approver.rejected`, `signature_request.rejected`.
    static func reject(_ c: inout RequestContext, _ srID: String, _ approverID: String, reason: String) throws {
        _ = try inApproval(c, srID)
        var approver = try notifiedApprover(c, srID, approverID)
        approver.setStatus(ApproverStatus.rejected)
        try c.db.saveResource(.approver, approverID, approver)
        try abortSigners(c.db, srID)
        try emit(&c, "approver.rejected", srID, approver: approver)
        let now = c.timestamp
        try finish(&c, srID, status: .rejected, event: "signature_request.rejected") {
            $0["rejection_information"] = .object(["approver_id": .string(approverID), "reason": .string(reason), "rejected_at": .string(now)])
        }
    }

    // MARK: the request ending or coming back

    /// approval/ongoing → canceled; signers who had not signed are aborted.
    static func cancel(_ c: inout RequestContext, _ srID: String, reason: String, note: String?) throws {
        try abortSigners(c.db, srID)
        try finish(&c, srID, status: .canceled, event: "signature_request.canceled") {
            $0["_cancelation"] = .object(["reason": .string(reason), "custom_note": note.map(JSONValue.string) ?? .null])
        }
    }

    /// Timer action: the expiration date passed. ongoing (and approval [I]) → expired. Signers
    /// keep their status so that reactivation can carry on where the request stopped [I].
    static func expire(_ context: inout RequestContext, _ id: String) throws {
        guard let sr = try context.db.resource(.signatureRequest, id), [.ongoing, .approval].contains(SignatureRequestStore.status(sr)) else { return }
        try finish(&context, id, status: .expired, event: "signature_request.expired") { _ in }
    }

    /// expired → ongoing, or approval when approvals are still missing [I]; the recipients'
    /// links are renewed and expiry is scheduled again.
    static func reactivate(_ c: inout RequestContext, _ srID: String, day: String) throws {
        guard var sr = try c.db.resource(.signatureRequest, srID) else { throw APIError.notFound("signature request") }
        let approvers = try SignatureRequestStore.approvers(c.db, srID)
        let approving = !approvers.isEmpty && !approvers.allSatisfy { $0.status(ApproverStatus.self) == .approved }
        sr.setStatus(approving ? SignatureRequestStatus.approval : .ongoing)
        sr["_expiration_day"] = .string(day)
        sr["expiration_date"] = SignatureRequestExpiration.value(sr, from: c.now)
        try c.db.saveResource(.signatureRequest, srID, sr)
        try SignatureRequestExpiration.schedule(c.db, sr)
        let renewed = JSONValue.string(Timestamp.string(c.now.addingTimeInterval(linkValidity)))
        for var s in try SignatureRequestStore.signers(c.db, srID) where s["signature_link"] != .null && s["signature_link"] != nil {
            s["signature_link_expiration_date"] = renewed
            try c.db.saveResource(.signer, s.recordID, s)
        }
        for var a in approvers where a.status(ApproverStatus.self) == .notified {
            a["approval_link_expiration_date"] = renewed
            try c.db.saveResource(.approver, a.recordID, a)
        }
        try emit(&c, "signature_request.reactivated", srID)
        try SessionLinks.resourceChanged(&c, kind: .signatureRequest, id: srID)
    }

    /// Moves the request to a final (or blocked) status, stops its expiry timer, emits `event`
    /// and lets its session follow.
    private static func finish(_ c: inout RequestContext, _ srID: String, status: SignatureRequestStatus, event: String,
                               _ change: (inout JSONObject) -> Void) throws {
        guard var sr = try c.db.resource(.signatureRequest, srID) else { return }
        sr.setStatus(status)
        change(&sr)
        try c.db.saveResource(.signatureRequest, srID, sr)
        try SignatureRequestExpiration.cancel(c.db, srID)
        try emit(&c, event, srID)
        try SessionLinks.resourceChanged(&c, kind: .signatureRequest, id: srID)
    }

    /// Signers who had not signed when the request ended become `aborted` [I].
    static func abortSigners(_ db: Database, _ srID: String) throws {
        for var s in try SignatureRequestStore.signers(db, srID) where [.initiated, .notified].contains(s.status(SignerStatus.self)) {
            s.setStatus(SignerStatus.aborted)
            try db.saveResource(.signer, s.recordID, s)
        }
    }

    // MARK: guards

    static func ongoing(_ c: RequestContext, _ srID: String, _ what: String) throws -> JSONObject {
        guard let sr = try c.db.resource(.signatureRequest, srID) else { throw APIError.notFound("signature request") }
        let status = SignatureRequestStore.status(sr)
        guard status == .ongoing else {
            throw APIError.statusNotCompatible("signature_request", "\(what) is only possible while the signature request is ongoing; it is \(status).")
        }
        return sr
    }

    static func inApproval(_ c: RequestContext, _ srID: String) throws -> JSONObject {
        guard let sr = try c.db.resource(.signatureRequest, srID) else { throw APIError.notFound("signature request") }
        let status = SignatureRequestStore.status(sr)
        guard status == .approval else {
            throw APIError.statusNotCompatible("signature_request", "Approving or rejecting is only possible while the signature request is in approval; it is \(status).")
        }
        return sr
    }

    /// The signer, who must be notified: with ordered signers, a later signer is not yet.
    static func notifiedSigner(_ c: RequestContext, _ sr: JSONObject, _ signerID: String, _ verb: String) throws -> JSONObject {
        guard let signer = try c.db.resource(.signer, signerID), signer["_signature_request_id"]?.stringValue == sr.recordID else {
            throw APIError.notFound("signer")
        }
        let status = signer.storedStatus(SignerStatus.self)
        guard status == .notified else {
            let turn = status == .initiated && sr["ordered_signers"]?.boolValue == true ? " (signers are ordered and it is not this signer's turn)" : ""
            throw APIError.statusNotCompatible("signer", "Only a notified signer can \(verb); this one is \(status)\(turn).")
        }
        return signer
    }

    static func notifiedApprover(_ c: RequestContext, _ srID: String, _ approverID: String) throws -> JSONObject {
        guard let approver = try c.db.resource(.approver, approverID), try c.db.resourceParent(.approver, approverID) == srID else {
            throw APIError.notFound("approver")
        }
        let status = approver.storedStatus(ApproverStatus.self)
        guard status == .notified else {
            throw APIError.statusNotCompatible("approver", "Only a notified approver can approve or reject; this one is \(status).")
        }
        return approver
    }

    // MARK: webhooks

    /// Emits `name` with `{signature_request[, signer | approver]}` as stored now (§7.3).
    static func emit(_ c: inout RequestContext, _ name: String, _ srID: String, signer: JSONObject? = nil, approver: JSONObject? = nil) throws {
        guard let sr = try c.db.resource(.signatureRequest, srID) else { return }
        var data: JSONObject = ["signature_request": try SignatureRequestRender.full(c.db, sr)]
        if let signer { data["signer"] = try SignatureRequestRender.signer(c.db, signer) }
        if let approver { data["approver"] = SignatureRequestRender.approver(approver) }
        c.emit(name, workspace: sr["workspace_id"]?.stringValue, data)
    }
}
