import Foundation
import GRDB
import JSONCodec

/// The response shapes of signature requests and their children (§6.3). Every required key is
/// present, null when it does not apply (§10.15). Stored bodies hold the request's own
/// settings; the summaries of its signers, approvers and documents are read from their stores
/// here, so they can never drift.
enum SignatureRequestRender {
    /// `SignatureRequest` (GET, PATCH, create, cancel, reactivate, and webhook data).
    static func full(_ db: Database, _ sr: JSONObject) throws -> JSONValue {
        var out = sr.filter { !$0.key.hasPrefix("_") }
        out["signers"] = .array(try SignatureRequestStore.signers(db, sr.recordID).map(summary))
        out["approvers"] = .array(try SignatureRequestStore.approvers(db, sr.recordID).map(summary))
        out["documents"] = .array(try SignatureRequestStore.documents(db, sr.recordID).map {
            .object(["id": $0["id"] ?? .null, "nature": $0["nature"] ?? .null])
        })
        return .object(out)
    }

    /// `SignatureRequestInList`: the full shape without the e-mail settings and the
    /// decline/rejection details.
    static func inList(_ db: Database, _ sr: JSONObject) throws -> JSONValue {
        guard case .object(var out) = try full(db, sr) else { return .null }
        for key in ["email_notification", "decline_information", "rejection_information"] { out[key] = nil }
        return .object(out)
    }

    /// `SignatureRequestActivated`: reduced, with each recipient's link.
    static func activated(_ db: Database, _ sr: JSONObject) throws -> JSONValue {
        guard case .object(var out) = try full(db, sr) else { return .null }
        for key in ["workspace_id", "source", "sender", "email_notification", "custom_properties", "bulk_send_batch_id", "decline_information"] {
            out[key] = nil
        }
        out["signers"] = .array(try SignatureRequestStore.signers(db, sr.recordID).map {
            .object(["id": $0["id"] ?? .null, "status": $0["status"] ?? .null,
                     "signature_link": $0["signature_link"] ?? .null,
                     "signature_link_expiration_date": $0["signature_link_expiration_date"] ?? .null])
        })
        out["approvers"] = .array(try SignatureRequestStore.approvers(db, sr.recordID).map {
            .object(["id": $0["id"] ?? .null, "status": $0["status"] ?? .null,
                     "approval_link": $0["approval_link"] ?? .null,
                     "approval_link_expiration_date": $0["approval_link_expiration_date"] ?? .null])
        })
        return .object(out)
    }

    static func summary(_ recipient: JSONObject) -> JSONValue {
        .object(["id": recipient["id"] ?? .null, "status": recipient["status"] ?? .null])
    }

    /// `Signer`, with the fields placed for it on every document of its request.
    static func signer(_ db: Database, _ signer: JSONObject) throws -> JSONValue {
        var out = signer.filter { !$0.key.hasPrefix("_") }
        let srID = signer["_signature_request_id"]?.stringValue ?? ""
        let fields = try SignatureRequestStore.fields(db, srID).filter { $0["signer_id"]?.stringValue == signer.recordID }
        out["fields"] = .array(fields.map { field($0, signer: signer) })
        return .object(out)
    }

    static func approver(_ approver: JSONObject) -> JSONValue { publicBody(approver) }

    static func document(_ doc: JSONObject) -> JSONValue { publicBody(doc) }

    static func follower(_ follower: JSONObject) -> JSONValue {
        .object(["email": follower["email"] ?? .null, "locale": follower["locale"] ?? .null,
                 "follower_link": follower["follower_link"] ?? .null])
    }

    /// A field; the values Yousign fills in (signer name, e-mail, signature date) come from
    /// its signer [I: the date is the signer's `signed_at` day, in the field's date format].
    static func field(_ field: JSONObject, signer: JSONObject?) -> JSONValue {
        var out = field.filter { !$0.key.hasPrefix("_") }
        if let radios = field["radios"]?.arrayValue {
            out["radios"] = .array(radios.map { r in r.objectValue.map { .object($0.filter { !$0.key.hasPrefix("_") }) } ?? r })
        }
        switch field["type"]?.stringValue {
        case "signer_name":
            let first = signer?["info"]?["first_name"]?.stringValue
            let last = signer?["info"]?["last_name"]?.stringValue
            let value: String?
            switch field["name_format"]?.stringValue {
            case "first_name": value = first
            case "last_name": value = last
            default: value = [first, last].compactMap { $0 }.joined(separator: " ")
            }
            out["value"] = value.map(JSONValue.string) ?? .null
        case "signer_email":
            out["value"] = signer?["info"]?["email"] ?? .null
        case "signature" where field["reason"]?.stringValue == nil:
            // a null would break the spec's HumanName string; its documented default stands in
            out["reason"] = signer.flatMap(defaultReason).map(JSONValue.string) ?? out["reason"]
        case "signature_date":
            let signedAt = signer?["signed_at"]?.stringValue.flatMap(Timestamp.parse)
            out["value"] = signedAt.map { .string(formatDate($0, field["date_format"]?.stringValue ?? "dd/MM/yyyy")) } ?? .null
        default: break
        }
        return .object(out)
    }

    /// "Signed by [Signer first name] [Signer last name]", the default the spec gives a
    /// signature's `reason`, cut to its 150 characters.
    static func defaultReason(_ signer: JSONObject) -> String? {
        guard let first = signer["info"]?["first_name"]?.stringValue, let last = signer["info"]?["last_name"]?.stringValue else { return nil }
        let reason = String("Signed by \(first) \(last)".prefix(150))
        return reason.hasSuffix(" ") ? String(reason.dropLast()) : reason
    }

    static func formatDate(_ date: Date, _ pattern: String) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = pattern
        return f.string(from: date)
    }
}
