import Foundation
import JSONCodec

/// The settings a signature request is created with (from scratch) or patched with (§6.3,
/// §10.14): every problem of the body is reported in one `validation.error`.
enum SignatureRequestSettings {
    static let patchKeys: Set<String> = [
        "name", "delivery_mode", "ordered_signers", "ordered_approvers", "custom_recipient_order", "reminder_settings", "timezone",
        "email_custom_note", "expiration_date", "external_id", "branding_id", "custom_experience_id", "signers_allowed_to_decline",
        "workspace_id", "audit_trail_locale", "email_notification", "labels",
    ]
    static let createKeys: Set<String> = patchKeys.union([
        "template_id", "documents", "signers", "template_placeholders", "archiving", "workflow_session_id", "previous_attempt_id",
    ])

    static let externalIDPattern = #"^[\w\-@.%+]+$"#
    static let auditTrailLocales = ["de", "en", "es", "fr", "it", "pt", "ro"]
    static let senderTypes = ["organization", "workspace", "user", "custom"]

    /// The values a new request starts with before its body is applied [I: `audit_trail_locale`
    /// defaults to `en`, the e-mail sender to the organization].
    static let defaults: JSONObject = [
        "ordered_signers": false, "ordered_approvers": false, "custom_recipient_order": false, "reminder_settings": .null,
        "timezone": "Europe/Paris", "email_custom_note": .null, "external_id": .null, "branding_id": .null,
        "custom_experience_id": .null, "signers_allowed_to_decline": false, "audit_trail_locale": "en",
        "email_notification": .object(["sender": .object(["type": "organization", "custom_name": .null]), "custom_note": .null]),
        "labels": .array([]),
    ]

    /// Reads the settings present in `body` into stored form (keys absent from the body are
    /// absent from the result). `expiration_date` becomes the internal `_expiration_day`; the
    /// caller turns it into the date-time after checking its range.
    static func read(_ body: inout BodyReader, _ c: RequestContext, creating: Bool) throws -> JSONObject {
        var out: JSONObject = [:]
        if let name = body.string("name", required: creating, max: 128, format: .safe) { out["name"] = .string(name) }
        if let mode = body.enumeration("delivery_mode", ["none", "email"], required: creating) { out["delivery_mode"] = .string(mode) }
        for key in ["ordered_signers", "ordered_approvers", "custom_recipient_order", "signers_allowed_to_decline"] {
            if let b = body.bool(key) { out[key] = .bool(b) }
        }
        if body.isNull("reminder_settings") { out["reminder_settings"] = .null } else if var r = body.object("reminder_settings") {
            let interval = r.integer("interval_in_days", required: true, in: 1...14)
            if let interval, ![1, 2, 7, 14].contains(interval) { r.problem("interval_in_days", "Value must be in [1, 2, 7, 14].") }
            let occurrences = r.integer("max_occurrences", required: true, in: 1...10)
            r.rejectUnknown(["interval_in_days", "max_occurrences"])
            if r.problems.isEmpty, let interval, let occurrences {
                out["reminder_settings"] = .object(["interval_in_days": .integer(interval), "max_occurrences": .integer(occurrences)])
            }
            body.merge(r)
        }
        if let tz = body.string("timezone", max: 64) {
            if TimeZone(identifier: tz) == nil { body.problem("timezone", "This value is not a valid time zone name (like Europe/Paris).") } else { out["timezone"] = .string(tz) }
        }
        nullableString(&body, "email_custom_note", max: 500, format: .safe, into: &out)
        if let day = body.string("expiration_date", max: 10, format: .date) { out["_expiration_day"] = .string(day) }
        nullableString(&body, "external_id", max: 255, pattern: externalIDPattern, into: &out)
        nullableString(&body, "branding_id", max: 36, format: .uuid, into: &out)
        nullableString(&body, "custom_experience_id", max: 36, format: .uuid, into: &out)
        if body.isNull("workspace_id") {
            out["workspace_id"] = .string(try c.defaultWorkspaceID())
        } else if let w = body.uuid("workspace_id") {
            do { out["workspace_id"] = .string(try c.workspaceID(w)) } catch let e as APIError { body.problem("workspace_id", e.invalidParams.first?.reason ?? "Workspace not found.") }
        }
        if body.isNull("audit_trail_locale") { out["audit_trail_locale"] = "en" } else if let l = body.enumeration("audit_trail_locale", auditTrailLocales) {
            out["audit_trail_locale"] = .string(l)
        }
        if body.isNull("email_notification") {
            out["email_notification"] = defaults["email_notification"]
        } else if let n = emailNotification(&body) {
            out["email_notification"] = n
        }
        if let labels = body.array("labels", max: 50) {
            // The emulator has no label endpoints, so no label id can exist [I].
            for (i, l) in labels.enumerated() {
                body.problem("labels[\(i)]", l.stringValue.map(Validation.isUUID) == true ? "Label not found." : "This value is not a valid UUID.")
            }
        }
        if creating { readCreateOnly(&body) }
        return out
    }

    /// Fields that only exist on create and reference things the emulator does not hold.
    private static func readCreateOnly(_ body: inout BodyReader) {
        if body.uuid("template_id") != nil { body.problem("template_id", "Template not found.") } // [I] no SR templates
        if let docs = body.array("documents", max: 5), !docs.isEmpty {
            body.problem("documents", "Document not found: upload documents with POST /signature_requests/{id}/documents.")
        }
        if let signers = body.array("signers"), !signers.isEmpty {
            body.problem("signers", "Deprecated: add signers with POST /signature_requests/{id}/signers.") // [I]
        }
        if body.has("template_placeholders") && !body.isNull("template_placeholders") {
            body.problem("template_placeholders", "Template placeholders need a template_id.")
        }
        _ = body.enumeration("archiving", ["archive", "archive_y"])
        _ = body.uuid("workflow_session_id")
        _ = body.uuid("previous_attempt_id")
    }

    private static func emailNotification(_ body: inout BodyReader) -> JSONValue? {
        guard var n = body.object("email_notification") else { return nil }
        var out: JSONObject = ["sender": defaults["email_notification"]!["sender"]!, "custom_note": .null]
        if var s = n.object("sender") {
            let type = s.enumeration("type", senderTypes, required: true)
            var sender: JSONObject = ["type": type.map(JSONValue.string) ?? .null, "custom_name": .null]
            if let name = s.string("custom_name", max: 128, format: .safe) { sender["custom_name"] = .string(name) }
            if type == "custom" && sender["custom_name"] == .null { s.problem("custom_name", "A custom sender needs a custom_name.") }
            s.rejectUnknown(["type", "custom_name"])
            out["sender"] = .object(sender)
            n.merge(s)
        }
        if let note = n.string("custom_note", max: 2000, format: .safe) { out["custom_note"] = .string(note) }
        if var t = n.object("custom_text") {
            var text: JSONObject = [:]
            for (key, max) in [("request_subject", 512), ("request_body", 2000), ("reminder_subject", 512), ("reminder_body", 2000)] {
                text[key] = t.string(key, max: max, format: .safe).map(JSONValue.string) ?? .null
            }
            t.rejectUnknown(["request_subject", "request_body", "reminder_subject", "reminder_body"])
            out["custom_text"] = .object(text)
            n.merge(t)
        }
        n.rejectUnknown(["sender", "custom_note", "custom_text"])
        body.merge(n)
        return .object(out)
    }

    /// A nullable string: explicit null is stored as null, a valid value as itself.
    static func nullableString(_ body: inout BodyReader, _ key: String, max: Int, format: BodyReader.StringFormat = .plain,
                               pattern: String? = nil, into out: inout JSONObject) {
        if body.isNull(key) { out[key] = .null; return }
        if let v = body.string(key, max: max, format: format, pattern: pattern) { out[key] = .string(v) }
    }
}
