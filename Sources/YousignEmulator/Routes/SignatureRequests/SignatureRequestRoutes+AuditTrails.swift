import Foundation
import GRDB
import JSONCodec
import YousignWire

/// Audit trails (§6.3): the request's (only when done; one PDF per signer, zipped unless
/// `merge=true` or there is one signer) and each signer's, as JSON or PDF, once that signer has
/// signed. The emulator writes them itself [I: the JSON keeps the spec's required sections
/// with the facts the emulator knows; the PDF lists the same facts].
extension SignatureRequestRoutes {
    static func registerAuditTrails(_ r: inout Router) {
        r.get("\(base)/audit_trails/download") { c in
            let (id, sr) = try SignatureRequestStore.load(c)
            var problems: [APIError.InvalidParam] = []
            let merge = boolQuery(c, "merge", &problems)
            if !problems.isEmpty { throw APIError.validation(problems) }
            let status = SignatureRequestStore.status(sr)
            guard status == .done else {
                throw APIError.statusNotCompatible("signature_request", "Audit trails can only be downloaded once the signature request is done; it is \(status).")
            }
            let signers = try SignatureRequestStore.signers(c.db, id)
            let pages = try signers.map { auditLines(try auditTrail(c.db, sr, $0)) }
            if merge || signers.count == 1 {
                return Responses.binary(AuditTrailPDF.make(pages), contentType: "application/pdf", filename: "audit_trail_\(id).pdf")
            }
            let entries = zip(signers, pages).map { (name: "audit_trail_\($0.recordID).pdf", bytes: AuditTrailPDF.make([$1])) }
            return Responses.binary(ZipArchive.make(entries, date: c.now), contentType: "application/zip", filename: "audit_trails_\(id).zip")
        }
        r.get("\(base)/signers/{signerId}/audit_trails") { c in
            let (sr, signer) = try signedSigner(c)
            return Responses.json(200, try auditTrail(c.db, sr, signer))
        }
        r.get("\(base)/signers/{signerId}/audit_trails/download") { c in
            let (sr, signer) = try signedSigner(c)
            let pdf = AuditTrailPDF.make([auditLines(try auditTrail(c.db, sr, signer))])
            return Responses.binary(pdf, contentType: "application/pdf", filename: "audit_trail_\(signer.recordID).pdf")
        }
    }

    /// The signer of the path, who must have signed (§6.2).
    private static func signedSigner(_ c: RequestContext) throws -> (JSONObject, JSONObject) {
        let (id, sr) = try SignatureRequestStore.load(c)
        let (_, signer) = try SignatureRequestStore.child(c, .signer, param: "signerId", what: "signer", parent: id)
        let status = signer.storedStatus(SignerStatus.self)
        guard status == .signed else {
            throw APIError.statusNotCompatible("signer", "A signer's audit trail exists once the signer has signed; this one is \(status).")
        }
        return (sr, signer)
    }

    /// `SignerAuditTrail`. Its sections are free-form objects in the spec, so a value the
    /// emulator lacks is left out rather than null (no schema there allows null).
    static func auditTrail(_ db: Database, _ sr: JSONObject, _ signer: JSONObject) throws -> JSONValue {
        func section(_ values: JSONObject) -> JSONValue { .object(values.filter { $0.value != .null }) }
        let excluded = Set((signer["excluded_documents"]?.arrayValue ?? []).compactMap(\.stringValue))
        let documents = try SignatureRequestStore.documents(db, sr.recordID).filter { !excluded.contains($0.recordID) }.map { doc -> JSONValue in
            section(["id": doc["id"] ?? .null, "filename": doc["filename"] ?? .null, "nature": doc["nature"] ?? .null,
                     "sha256": doc["sha256"] ?? .null])
        }
        let info = signer["info"]?.objectValue ?? [:]
        return .object([
            "version": .integer(1),
            "signature_request": section(["id": sr["id"] ?? .null, "name": sr["name"] ?? .null, "created_at": sr["created_at"] ?? .null,
                                          "activated_at": sr["activated_at"] ?? .null, "completed_at": sr["completed_at"] ?? .null,
                                          "expiration_date": sr["expiration_date"] ?? .null]),
            "sender": section(["id": sr["sender"]?["id"] ?? .null, "workspace_id": sr["workspace_id"] ?? .null]),
            "signer": section(["id": signer["id"] ?? .null, "first_name": info["first_name"] ?? .null, "last_name": info["last_name"] ?? .null,
                               "email": info["email"] ?? .null, "phone_number": info["phone_number"] ?? .null,
                               "signed_at": signer["signed_at"] ?? .null, "ip_address": signer["_ip_address"] ?? .null,
                               "consent_given_at": signer["_consent_given_at"] ?? .null]),
            "documents": .array(documents),
            "organization": section(["name": try db.meta("organization").map(JSONValue.string) ?? .null]),
            "authentication": section(["mode": signer["signature_authentication_mode"] ?? .null]),
            "electronic_signature_level": section(["level": signer["signature_level"] ?? .null]),
        ])
    }

    /// The audit trail as PDF text lines.
    static func auditLines(_ trail: JSONValue) -> [String] {
        func v(_ section: String, _ key: String) -> String { trail[section]?[key]?.stringValue ?? "-" }
        var lines = ["Audit trail (Yousign emulator)", "",
                     "Signature request: \(v("signature_request", "name")) (\(v("signature_request", "id")))",
                     "Activated: \(v("signature_request", "activated_at"))", "Completed: \(v("signature_request", "completed_at"))",
                     "Organization: \(v("organization", "name"))", "",
                     "Signer: \(v("signer", "first_name")) \(v("signer", "last_name")) <\(v("signer", "email"))> (\(v("signer", "id")))",
                     "Signed at: \(v("signer", "signed_at"))", "Signature level: \(v("electronic_signature_level", "level"))",
                     "Authentication: \(v("authentication", "mode"))", "", "Documents:"]
        for doc in trail["documents"]?.arrayValue ?? [] {
            lines.append("  \(doc["filename"]?.stringValue ?? "-")  sha256 \(doc["sha256"]?.stringValue ?? "-")")
        }
        return lines
    }
}
