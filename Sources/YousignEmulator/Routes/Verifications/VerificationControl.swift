import Foundation
import JSONCodec
import YousignWire

/// The control surface for verification results: what the person, the document checks or the
/// applicant portal would decide in Yousign's sandbox. `{type}` is the `/v3/verifications` path
/// segment, or `document_analyses`.
enum VerificationControl {
    static func register(_ r: inout Router) {
        r.add("POST", "/_emulator/verifications/{verificationType}/{verificationId}/complete", auth: false, complete)
        r.add("GET", "/_emulator/verifications/{verificationType}/{verificationId}", auth: false, show)
    }

    /// `POST …/complete {status, status_codes}`: a pending or awaiting_data verification reaches
    /// the final status given (failed/inconclusive get the type's default codes when none are
    /// given); the done webhook fires and its session follows. 200 with the verification.
    static func complete(_ c: inout RequestContext) throws -> WireResponse {
        let type = try verificationType(c)
        let body = try VerificationRoutes.find(c, type, param: "verificationId")
        var r = BodyReader(try c.jsonBody())
        let status = r.enumeration("status", type.finalStatuses.map(\.rawValue), required: true).flatMap(VerificationStatus.init(rawValue:))
        let codes = r.array("status_codes", max: 20)
        r.rejectUnknown(["status", "status_codes"])
        if let codes, !codes.isEmpty {
            let prefix = codePrefix(type)
            if prefix == nil {
                r.problem("status_codes", "A \(type.dataKey) verification has no status codes.")
            } else if status == type.success {
                r.problem("status_codes", "Status codes go with failed or inconclusive results only.")
            } else if codes.contains(where: { !($0.stringValue ?? "").hasPrefix(prefix!) }) {
                r.problem("status_codes", "Each code must be a string starting with \(prefix!).")
            }
        }
        try r.check()
        let current = body.storedStatus(VerificationStatus.self)
        guard current == .pending || current == .awaitingData else {
            throw APIError.statusNotCompatible(type.kind == .documentAnalysis ? "document_analysis" : "verification",
                                               "Only a pending or awaiting_data verification can be completed; this one is \(current).")
        }
        var outcome = VerificationOutcome.final(status!, type)
        if let codes, !codes.isEmpty { outcome.statusCodes = codes.compactMap(\.stringValue) }
        let updated = try VerificationLifecycle.complete(&c, type, body, outcome)
        return Responses.json(200, publicBody(updated))
    }

    /// `GET /_emulator/verifications/{type}/{id}`: the verification (an identity video's
    /// `verification_url` points here) and how to complete it.
    static func show(_ c: inout RequestContext) throws -> WireResponse {
        let type = try verificationType(c)
        let body = try VerificationRoutes.find(c, type, param: "verificationId")
        let id = body["id"]?.stringValue ?? ""
        return Responses.json(200, .object([
            "verification": publicBody(body),
            "complete": .object([
                "method": "POST", "path": .string("/_emulator/verifications/\(type.path)/\(id)/complete"),
                "statuses": .array(type.finalStatuses.map(\.json)),
            ]),
        ]))
    }

    private static func verificationType(_ c: RequestContext) throws -> VerificationType {
        guard let type = VerificationType.named(c.params["verificationType"] ?? "") else {
            throw APIError.notFound("verification type")
        }
        return type
    }

    /// `IDDV_`, `DA_`, ...: the family of the type's codes; nil when it has none.
    private static func codePrefix(_ type: VerificationType) -> String? {
        guard let code = type.defaultCodes?[.failed]?.first, let underscore = code.firstIndex(of: "_") else { return nil }
        return String(code[...underscore])
    }
}
