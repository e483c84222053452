import Foundation
import JSONCodec

/// The parts of signer and approver bodies (§6.3) that create and PATCH share: `info`,
/// custom texts, notifications, redirects, and the references to other recipients and
/// documents.
enum SignatureRequestRecipients {
    static let locales = ["en", "fr", "de", "it", "nl", "es", "pl"]
    static let signatureLevels = ["electronic_signature", "advanced_electronic_signature", "qualified_electronic_signature"]
    static let authenticationModes = ["otp_email", "otp_sms", "no_otp"]
    static let emailNotifications = [
        "signer.signature_request_canceled_due_to_an_error.signer_who_has_not_signed",
        "signer.signature_request_canceled_due_to_an_error.signer_who_has_already_signed",
        "signer.signature_request_canceled_by_sender.signer_who_has_not_signed",
        "signer.signature_request_canceled_by_sender.signer_who_has_already_signed",
        "signer.signature_request_done.signature_request_contains_one_signer",
        "signer.signature_request_done.signature_request_contains_multiple_signers",
        "signer.signature_request_with_multiple_signers_signed.signed_by_a_signer",
        "signer.signature_request_updated.new_expiration_date",
        "signer.signature_request_updated_by_sender.new_signer_details",
        "signer.signature_request_signature_requested.first_notification",
        "signer.signature_request_signature_requested.reminder_to_sign",
    ]
    static let emptyCustomText: JSONValue = .object(["request_subject": .null, "request_body": .null, "reminder_subject": .null, "reminder_body": .null])

    /// `info` merged over `existing`: names (HumanName for signers), e-mail, E.164 phone,
    /// locale. Returns nil when the body has no `info`.
    static func info(_ body: inout BodyReader, creating: Bool, humanNames: Bool, existing: JSONObject?) -> JSONObject? {
        if creating && !body.has("info") { body.problem("info", "This field is missing."); return nil }
        guard var i = body.object("info", required: creating) else { return nil }
        var out = existing ?? ["phone_number": .null]
        for key in ["first_name", "last_name"] {
            if let s = i.string(key, required: creating, max: 255, format: humanNames ? .humanName : .plain) { out[key] = .string(s) }
        }
        if let e = i.string("email", required: creating, max: 100, format: .email) { out["email"] = .string(e) }
        if i.isNull("phone_number") { out["phone_number"] = .null } else if let p = i.string("phone_number", max: 20, format: .e164) { out["phone_number"] = .string(p) }
        if let l = i.enumeration("locale", locales, required: creating) { out["locale"] = .string(l) }
        i.rejectUnknown(["first_name", "last_name", "email", "phone_number", "locale"])
        body.merge(i)
        return out
    }

    /// `custom_text`: four optional safe strings.
    static func customText(_ body: inout BodyReader, existing: JSONValue?) -> JSONValue? {
        guard var t = body.object("custom_text") else { return nil }
        var out = existing?.objectValue ?? emptyCustomText.objectValue!
        for (key, max) in [("request_subject", 512), ("request_body", 2000), ("reminder_subject", 512), ("reminder_body", 2000)] {
            if t.isNull(key) { out[key] = .null } else if let s = t.string(key, max: max, format: .safe) { out[key] = .string(s) }
        }
        t.rejectUnknown(["request_subject", "request_body", "reminder_subject", "reminder_body"])
        body.merge(t)
        return .object(out)
    }

    /// The signer options other than `info` and `fields`, merged over `signer`.
    static func signerOptions(_ body: inout BodyReader, creating: Bool, into signer: inout JSONObject) {
        if let l = body.enumeration("signature_level", signatureLevels, required: creating) { signer["signature_level"] = .string(l) }
        if body.isNull("signature_authentication_mode") { signer["signature_authentication_mode"] = .null } else if let m = body.enumeration("signature_authentication_mode", authenticationModes) {
            signer["signature_authentication_mode"] = .string(m)
        }
        if var r = body.object("redirect_urls") {
            var urls = signer["redirect_urls"]?.objectValue ?? ["success": .null, "error": .null, "decline": .null]
            for key in ["success", "error", "decline"] {
                if r.isNull(key) { urls[key] = .null } else if let u = r.string(key, max: 255, format: .url) { urls[key] = .string(u) }
            }
            r.rejectUnknown(["success", "error", "decline"])
            body.merge(r)
            signer["redirect_urls"] = .object(urls)
        }
        if let t = customText(&body, existing: signer["custom_text"]) { signer["custom_text"] = t }
        if body.isNull("delivery_mode") { signer["delivery_mode"] = .null } else if let m = body.enumeration("delivery_mode", ["email", "none"]) { signer["delivery_mode"] = .string(m) }
        if body.isNull("identification_attestation_id") { signer["identification_attestation_id"] = .null } else if let a = body.string("identification_attestation_id", max: 255) {
            signer["identification_attestation_id"] = .string(a)
        }
        if body.isNull("sms_notification") {
            signer["sms_notification"] = .object(["otp_message": .object(["custom_text": .null])])
        } else if var s = body.object("sms_notification") {
            if var m = s.object("otp_message", required: true) {
                let text = m.string("custom_text", max: 1000)
                m.rejectUnknown(["custom_text"])
                signer["sms_notification"] = .object(["otp_message": .object(["custom_text": text.map(JSONValue.string) ?? .null])])
                s.merge(m)
            }
            s.rejectUnknown(["otp_message"])
            body.merge(s)
        }
        if body.isNull("email_notification") {
            signer["email_notification"] = .object(["disabled": .array([])])
        } else if var e = body.object("email_notification") {
            if let disabled = e.array("disabled", required: true) {
                for (i, d) in disabled.enumerated() where !(d.stringValue.map(emailNotifications.contains) ?? false) {
                    e.problem("disabled[\(i)]", "This value is not a known notification.")
                }
                signer["email_notification"] = .object(["disabled": .array(disabled)])
            }
            e.rejectUnknown(["disabled"])
            body.merge(e)
        }
        if let p = body.bool("pre_identity_verification_required") { signer["pre_identity_verification_required"] = .bool(p) }
    }

    /// Cross-field rules of a signer [I: checked on the merged signer, so PATCH cannot break
    /// them either]: `otp_sms` needs a phone number; a pre-signature identity check needs the
    /// advanced level and delivery by link.
    static func checkSigner(_ body: inout BodyReader, _ signer: JSONObject, _ sr: JSONObject) {
        if signer["signature_authentication_mode"]?.stringValue == "otp_sms", signer["info"]?["phone_number"]?.stringValue == nil {
            body.problem("info[phone_number]", "A phone number (E.164) is required when signature_authentication_mode is otp_sms.")
        }
        if signer["pre_identity_verification_required"]?.boolValue == true {
            let mode = signer["delivery_mode"]?.stringValue ?? sr["delivery_mode"]?.stringValue
            if signer["signature_level"]?.stringValue != "advanced_electronic_signature" || mode != "none" {
                body.problem("pre_identity_verification_required", "A pre-signature identity verification needs advanced_electronic_signature and delivery_mode none.")
            }
        }
    }

    /// `insert_after_id`, `group_with_id` and `excluded_documents`, checked against the
    /// request's recipients of the same kind and its documents.
    static func placement(_ body: inout BodyReader, _ c: RequestContext, kind: ResourceKind, srID: String, selfID: String,
                          into recipient: inout JSONObject) throws -> (moved: Bool, after: String?) {
        let after = body.uuid("insert_after_id")
        if let after, try after == selfID || c.db.resourceParent(kind, after) != srID {
            body.problem("insert_after_id", "No such recipient in this signature request.")
        }
        if body.isNull("group_with_id") { recipient["_group_with_id"] = nil } else if let g = body.uuid("group_with_id") {
            if try g == selfID || c.db.resourceParent(kind, g) != srID { body.problem("group_with_id", "No such recipient in this signature request.") } else { recipient["_group_with_id"] = .string(g) }
        }
        if let docs = body.array("excluded_documents") {
            var ids: [JSONValue] = []
            for (i, d) in docs.enumerated() {
                guard let s = d.stringValue, Validation.isUUID(s), try c.db.resourceParent(.document, s.lowercased()) == srID else {
                    body.problem("excluded_documents[\(i)]", "No such document in this signature request."); continue
                }
                ids.append(.string(s.lowercased()))
            }
            recipient["excluded_documents"] = .array(ids)
        }
        return (after != nil, after)
    }

    /// The `user_id` / `contact_id` / `verified_identity_id` variants: the emulator has no
    /// users with names, contacts or verified identities, so the reference is never found [I].
    static func rejectReferences(_ body: inout BodyReader, _ keys: [(String, String)]) -> Bool {
        var found = false
        for (key, what) in keys where body.has(key) {
            found = true
            if body.uuid(key, required: true) != nil { body.problem(key, "\(what) not found.") }
        }
        return found
    }
}
