import Foundation
import JSONCodec
import YousignWire

/// Verifications (§5.1–§5.2), their audit trails, and document analyses (§5.3).
enum VerificationRoutes {
    typealias Creator = @Sendable (RequestContext) throws -> NewVerification

    static let creators: [String: Creator] = [
        "identity_documents": VerificationCreate.identityDocument,
        "identity_videos": VerificationCreate.identityVideo,
        "proofs_of_address": VerificationCreate.proofOfAddress,
        "companies": VerificationCreate.company,
        "watchlists": VerificationCreate.watchlist,
        "bank_accounts": VerificationCreate.bankAccount,
        "bank_account_lookups": VerificationCreate.bankAccountLookup,
    ]

    static func register(_ r: inout Router) {
        for type in VerificationType.verifications {
            guard let creator = creators[type.path] else { continue }
            r.get("/v3/verifications/\(type.path)") { c in try list(c, type) }
            // identity videos and watchlists are JSON only: other media types are 415, although the
            // spec lists no 415 for identity videos [I]
            r.post("/v3/verifications/\(type.path)") { c in try VerificationLifecycle.create(&c, try creator(c)) }
            r.get("/v3/verifications/\(type.path)/{verificationId}") { c in
                Responses.json(200, publicBody(try find(c, type, param: "verificationId")))
            }
        }
        r.get("/v3/verifications/{verificationType}/{verificationId}/audit_trail", auditTrail)
        DocumentAnalysisRoutes.register(&r)
        VerificationControl.register(&r)
    }

    /// A list of `*Meta` items, filtered by `status[eq]`, `workspace_id[eq]` and the type's extras.
    static func list(_ c: RequestContext, _ type: VerificationType) throws -> WireResponse {
        var allowed: [String: Set<String>] = ["status": ["eq"], "workspace_id": ["eq"]]
        for field in type.extraFilters { allowed[field] = ["eq"] }
        let filters = try Filters(c, allowed: allowed)
        let items = try c.db.resources(type.kind).filter {
            $0.body["_type"]?.stringValue == type.path && filters.matches($0.body, fieldValue: filterValue)
        }
        return Responses.json(200, try Pagination.page(items, c) { VerificationRender.meta(type, $0) })
    }

    /// `pvid` is kept internally (the object has no such field); booleans compare as text.
    private static func filterValue(_ body: JSONObject, _ field: String) -> [String]? {
        Filters.defaultValue(body, field == "pvid" ? "_pvid" : field)
    }

    /// A stored verification of `type` by its path id; 404 for another type's id.
    static func find(_ c: RequestContext, _ type: VerificationType, param: String) throws -> JSONObject {
        let what = type.kind == .documentAnalysis ? "document analysis" : "verification"
        let id = try c.id(param, what)
        guard let body = try c.db.resource(type.kind, id), body["_type"]?.stringValue == type.path else {
            throw APIError.notFound(what)
        }
        return body
    }

    /// `GET /verifications/{verificationType}/{verificationId}/audit_trail`: a PDF, only for
    /// `verified` or `failed` (§5.2). `bank_account_connections` is a valid type with no
    /// resources here, so its ids are never found.
    static func auditTrail(_ c: inout RequestContext) throws -> WireResponse {
        let path = c.params["verificationType"] ?? ""
        let known = VerificationType.verifications.map(\.path) + ["bank_account_connections"]
        guard known.contains(path) else {
            throw APIError.validation("verificationType", "Value must be in [\(known.map { "\"\($0)\"" }.joined(separator: ", "))].")
        }
        guard let type = VerificationType.named(path) else { throw APIError.notFound("verification") }
        let body = try find(c, type, param: "verificationId")
        let status = body.storedStatus(VerificationStatus.self)
        // the error type of the documented download lag stands for "not yet" [I]
        guard status == .verified || status == .failed else {
            throw APIError.badRequest("audit_trail.not_ready_for_download",
                                      "The audit trail is available once the verification is verified or failed; it is \(status).")
        }
        let id = body["id"]?.stringValue ?? ""
        return Responses.binary(VerificationAuditTrail.pdf(type: type, body: body), contentType: "application/pdf",
                                filename: "audit_trail_\(id).pdf")
    }
}
