import Foundation
import JSONCodec
import YousignWire

/// How a verification (or document analysis) moves: created `pending` (or `awaiting_data` from an
/// applicant), then final (`verified`/`done`, `failed`, `inconclusive`) with its webhook, then
/// anonymized seven days later. Linked sessions follow every change.
///
/// With no verification delay the create response already carries the final status (§10.12
/// describes the real API as asynchronous; the emulator's default is the seed guide's
/// immediate result [I]). With a delay, a timer on the emulator clock completes it. Magic
/// `pending_…` values wait for the control surface, and so do applicant-based verifications,
/// which start in `awaiting_data` (the applicant has yet to upload through the portal) [I].
enum VerificationLifecycle {
    /// §5.1: results are anonymized about seven days after they are final.
    static let anonymizeAfter: TimeInterval = 7 * 86_400

    static func create(_ c: inout RequestContext, _ request: NewVerification) throws -> WireResponse {
        var new = request
        let type = new.type
        if let applicantID = new.applicantID {
            // the applicant's session is the verification's session (§4.2)
            guard let applicant = try c.db.resource(.applicant, applicantID) else {
                throw APIError.validation("applicant_id", "Applicant not found.")
            }
            new.sessionID = try applicant["workflow_session_id"]?.stringValue ?? c.db.resourceParent(.applicant, applicantID)
            new.input = ApplicantInput.of(applicant).merging(new.input) { $1 }
        }
        let link = try SessionLinks.prepare(c, sessionID: new.sessionID, previousAttemptID: new.previousAttemptID,
                                            resourceType: new.resourceType)
        let workspace = try workspaceID(c, new)
        let id = c.newID()
        var body = VerificationRender.initialBody(new, id: id, workspace: workspace, context: c)
        var files: JSONObject = [:]
        for (field, file) in new.files.sorted(by: { $0.key < $1.key }) {
            let fileID = c.newID()
            try c.db.storeFile(fileID, file.bytes)
            files[field] = .object(["id": .string(fileID), "filename": .string(file.filename), "content_type": .string(file.contentType)])
        }
        body["_files"] = .object(files)
        if new.applicantID != nil {
            // A bank account lookup's Full status enum has no awaiting_data (§9.6): it waits as
            // pending, which its enum allows [I].
            body.setStatus(type.path == "bank_account_lookups" ? VerificationStatus.pending : .awaitingData)
        } else if new.outcome.status != .pending {
            if c.services.verificationDelay > 0 {
                body["_next"] = "complete"
                try Timers.schedule(c.db, at: c.now.addingTimeInterval(c.services.verificationDelay), action: "complete_verification", target: id)
            } else {
                VerificationRender.apply(new.outcome, to: &body, type, now: c.now)
                try finished(&c, type, &body)
            }
        }
        try c.db.insertResource(type.kind, id: id, body: body)
        if let link { try SessionLinks.attach(&c, link, resourceID: id, createdAt: c.timestamp) }
        return Responses.json(201, publicBody(body))
    }

    /// An explicit `workspace_id`, else the session's workspace, else the default one [I].
    private static func workspaceID(_ c: RequestContext, _ new: NewVerification) throws -> String {
        if let requested = new.workspaceID { return try c.workspaceID(requested) }
        if let sessionID = new.sessionID, let w = try c.db.resource(.session, sessionID)?["workspace_id"]?.stringValue { return w }
        return try c.defaultWorkspaceID()
    }

    /// A pending or awaiting_data verification reaches `outcome`: saved, announced, and its
    /// session updated.
    static func complete(_ c: inout RequestContext, _ type: VerificationType, _ body: JSONObject,
                         _ outcome: VerificationOutcome) throws -> JSONObject {
        var body = body
        let id = body["id"]?.stringValue ?? ""
        try Timers.cancel(c.db, action: "complete_verification", target: id)
        VerificationRender.apply(outcome, to: &body, type, now: c.now)
        try finished(&c, type, &body)
        try c.db.saveResource(type.kind, id, body)
        try SessionLinks.resourceChanged(&c, kind: type.kind, id: id)
        return body
    }

    /// After a final result: the done webhook, and anonymization in seven days (unless the magic
    /// value already anonymized it).
    private static func finished(_ c: inout RequestContext, _ type: VerificationType, _ body: inout JSONObject) throws {
        let id = body["id"]?.stringValue ?? ""
        if body["data_anonymized"] == .bool(true) {
            body.removeValue(forKey: "_next")
        } else {
            body["_next"] = "anonymize"
            try Timers.schedule(c.db, at: c.now.addingTimeInterval(anonymizeAfter), action: "complete_verification", target: id)
        }
        c.emit(type.event, workspace: body["workspace_id"]?.stringValue, VerificationRender.webhookData(type, body))
    }

    /// Timer action: the verification's next step (`_next`) is due: its delayed result, or its
    /// anonymization.
    static func completeScheduled(_ c: inout RequestContext, _ id: String) throws {
        guard let (type, body) = try load(c, id) else { return }
        switch body["_next"]?.stringValue {
        case "complete":
            guard body.status(VerificationStatus.self) == .pending, let outcome = VerificationOutcome(body["_outcome"]) else { return }
            _ = try complete(&c, type, body, outcome)
        case "anonymize":
            var body = body
            VerificationRender.anonymize(&body, type, now: c.now)
            body.removeValue(forKey: "_next")
            try c.db.saveResource(type.kind, id, body)
        default:
            return
        }
    }

    /// A stored verification or analysis by id, with its type.
    static func load(_ c: RequestContext, _ id: String) throws -> (VerificationType, JSONObject)? {
        for kind in [ResourceKind.verification, .documentAnalysis] {
            if let body = try c.db.resource(kind, id), let type = body["_type"]?.stringValue.flatMap(VerificationType.named) {
                return (type, body)
            }
        }
        return nil
    }
}
