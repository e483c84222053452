import Foundation
import JSONCodec

/// The stored body of a verification or analysis (its Full object plus internal `_` fields), and
/// the views of it the API returns: the Full object, the list item (`*Meta`), the webhook data.
enum VerificationRender {
    /// A new verification's body, in `pending` with no result yet.
    static func initialBody(_ new: NewVerification, id: String, workspace: String, context c: RequestContext) -> JSONObject {
        let type = new.type
        var body: JSONObject = [
            "id": .string(id), "workspace_id": .string(workspace), "created_at": .string(c.timestamp),
            "updated_at": .string(c.timestamp), "status": VerificationStatus.pending.json, "data_anonymized": false,
            "workflow_session_id": new.sessionID.map(JSONValue.string) ?? .null,
            "previous_attempt_id": new.previousAttemptID.map(JSONValue.string) ?? .null,
        ]
        if type.hasStatusCodes { body["status_codes"] = .array([]) }
        if type.hasApplicant { body["applicant_id"] = new.applicantID.map(JSONValue.string) ?? .null }
        if type.kind == .verification { body["data"] = VerificationData.empty(type) }
        if type.path == "identity_videos" { body["verification_url"] = .string(verificationURL(c, type: type, id: id)) }
        body.merge(new.fields) { $1 }
        body.merge(new.hidden) { $1 }
        body["_type"] = .string(type.path)
        body["_input"] = .object(new.input)
        body["_outcome"] = new.outcome.json
        return body
    }

    /// Sets a result: status, its codes, its data (or none, when anonymized at once).
    static func apply(_ outcome: VerificationOutcome, to body: inout JSONObject, _ type: VerificationType, now: Date) {
        body.setStatus(outcome.status)
        if type.hasStatusCodes { body["status_codes"] = .array(outcome.statusCodes.map(JSONValue.string)) }
        body["updated_at"] = .string(Timestamp.string(now))
        let input = body["_input"]?.objectValue ?? [:]
        if type.kind == .documentAnalysis {
            DocumentAnalysisData.apply(outcome.status, to: &body, now: now)
        } else {
            body["data"] = VerificationData.result(type, input: input, status: outcome.status, now: now)
        }
        if outcome.anonymized { anonymize(&body, type, now: now) }
    }

    /// Anonymization (§5.1): same status, `data_anonymized: true`, every extracted value null.
    static func anonymize(_ body: inout JSONObject, _ type: VerificationType, now: Date) {
        body["data_anonymized"] = true
        body["updated_at"] = .string(Timestamp.string(now))
        if type.kind == .documentAnalysis {
            DocumentAnalysisData.anonymize(&body)
        } else {
            body["data"] = VerificationData.empty(type)
        }
    }

    /// The list item: exactly the type's `*Meta` keys.
    static func meta(_ type: VerificationType, _ body: JSONObject) -> JSONValue {
        .object(body.filter { type.metaKeys.contains($0.key) })
    }

    /// The data of a `verification.<kind>.done` / `document_analysis.done` webhook.
    static func webhookData(_ type: VerificationType, _ body: JSONObject) -> JSONObject {
        [type.dataKey: .object(body.filter { type.webhookKeys.contains($0.key) })]
    }

    /// Where the person goes for an identity video. The emulator serves the verification there,
    /// with how to complete it (the sandbox page offers a choice of result instead) [I].
    static func verificationURL(_ c: RequestContext, type: VerificationType, id: String) -> String {
        let host = c.request.headers["Host"] ?? "localhost"
        return "http://\(host)/_emulator/verifications/\(type.path)/\(id)"
    }
}
