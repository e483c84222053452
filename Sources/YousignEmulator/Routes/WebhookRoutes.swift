import Foundation
import JSONCodec
import YousignWire

/// Webhook subscriptions (§7.1). Deliveries are in `WebhookEvents` and `WebhookDispatcher`.
enum WebhookRoutes {
    static let events: [String] = [
        "document_analysis.done",
        "signer.notified", "signer.declined", "signer.done", "signer.link_opened", "signer.identification_failed",
        "signer.identification_succeeded", "signer.identification_blocked", "signer.identification_expired",
        "signer.identity_saved", "signer.sender_contacted", "signer.error", "signer.notification_delivery_failed",
        "signature_request.activated", "signature_request.declined", "signature_request.canceled", "signature_request.done",
        "signature_request.expired", "signature_request.reminder_executed", "signature_request.automatic_reminder_executed",
        "signature_request.approved", "signature_request.deleted", "signature_request.permanently_deleted",
        "signature_request.reactivated", "signature_request.rejected", "signature_request.paused", "signature_request.resumed",
        "contact.created", "user.completed",
        "approver.notified", "approver.approved", "approver.rejected", "approver.notification_delivery_failed",
        "electronic_seal.done", "electronic_seal.error",
        "verification.identity_video.done", "verification.bank_account.done", "verification.bank_account_connection.done",
        "verification.bank_account_lookup.done", "verification.identity_document.done", "verification.company.done",
        "verification.watchlist.done", "verification.proof_of_address.done",
        "workflow_action_group.started", "workflow_action_group.blocked", "workflow_action_group.done",
        "workflow_session.started", "workflow_session.blocked", "workflow_session.done",
        "applicant.notified", "applicant.processed", "applicant.session_blocked",
    ]

    static func register(_ r: inout Router) {
        r.get("/v3/webhooks") { c in
            Responses.json(200, .array(try c.db.resources(.webhook).map { publicBody($0.body) }))
        }
        r.post("/v3/webhooks") { c in
            let body = try c.jsonBody()
            var fields = try read(body, c, creating: true)
            let id = c.newID()
            fields["id"] = .string(id)
            fields["created_at"] = .string(c.timestamp)
            fields["updated_at"] = .null
            if fields["secret_key"] == nil || fields["secret_key"] == .null { fields["secret_key"] = .string(secret(c)) }
            if fields["workspaces"] == nil { fields["workspaces"] = .array(["*"]) }
            try c.db.insertResource(.webhook, id: id, body: fields)
            return Responses.json(201, publicBody(fields))
        }
        r.get("/v3/webhooks/{webhookId}") { c in
            guard let w = try c.db.resource(.webhook, try c.id("webhookId", "webhook")) else { throw APIError.notFound("webhook") }
            return Responses.json(200, publicBody(w))
        }
        r.patch("/v3/webhooks/{webhookId}") { c in
            let id = try c.id("webhookId", "webhook")
            guard var w = try c.db.resource(.webhook, id) else { throw APIError.notFound("webhook") }
            for (k, v) in try read(try c.jsonBody(), c, creating: false) { w[k] = v }
            w["updated_at"] = .string(c.timestamp)
            try c.db.saveResource(.webhook, id, w)
            return Responses.json(200, publicBody(w))
        }
        r.delete("/v3/webhooks/{webhookId}") { c in
            let id = try c.id("webhookId", "webhook")
            guard try c.db.resource(.webhook, id) != nil else { throw APIError.notFound("webhook") }
            try c.db.deleteResource(.webhook, id)
            return Responses.empty()
        }
    }

    /// 32 characters from the id generator, so tests stay deterministic.
    static func secret(_ c: RequestContext) -> String {
        String((c.newID() + c.newID()).filter { $0 != "-" }.prefix(32))
    }

    static func read(_ object: JSONObject, _ c: RequestContext, creating: Bool) throws -> JSONObject {
        var body = BodyReader(object)
        var out: JSONObject = [:]
        if let endpoint = body.string("endpoint", required: creating, max: 1024, format: .url) {
            guard endpoint.lowercased().hasPrefix("https://") || isLoopback(endpoint) else {
                throw APIError.validation("endpoint", "The endpoint must use HTTPS.")
            }
            out["endpoint"] = .string(endpoint)
        }
        if body.has("description") || creating {
            if creating && !body.has("description") { body.problem("description", "This field is missing.") }
            out["description"] = body.string("description", max: 128, format: .safe).map(JSONValue.string) ?? .null
        }
        if let v = body.bool("sandbox", required: creating) { out["sandbox"] = .bool(v) }
        if let v = body.bool("auto_retry", required: creating) { out["auto_retry"] = .bool(v) }
        if let v = body.bool("enabled", required: creating) { out["enabled"] = .bool(v) }
        if let list = body.array("subscribed_events", required: creating) {
            let names = list.compactMap(\.stringValue)
            if names.count != list.count || names.isEmpty || names.contains(where: { $0 != "*" && !events.contains($0) }) {
                body.problem("subscribed_events", "Each value must be an event name or \"*\".")
            }
            out["subscribed_events"] = .array(list)
        }
        if let list = body.array("scopes", required: creating) {
            let allowed: Set<String> = ["*", "app", "public_api", "connector_zapier_api"]
            if list.isEmpty || list.contains(where: { !allowed.contains($0.stringValue ?? "") }) {
                body.problem("scopes", "Value must be in [\"app\", \"public_api\", \"connector_zapier_api\"] or [\"*\"].")
            }
            out["scopes"] = .array(list)
        }
        if let list = body.array("workspaces") {
            if list.contains(where: { v in v.stringValue.map { $0 != "*" && !Validation.isUUID($0) } ?? true }) {
                body.problem("workspaces", "Each value must be a workspace id or \"*\".")
            }
            out["workspaces"] = .array(list)
        }
        if body.has("secret_key") {
            if let s = body.string("secret_key", min: 32, max: 32) { out["secret_key"] = .string(s) }
        }
        body.rejectUnknown(["endpoint", "description", "sandbox", "auto_retry", "enabled", "subscribed_events", "scopes", "workspaces", "secret_key"])
        try body.check()
        return out
    }

    /// Plain HTTP is accepted for loopback receivers, so local tests can listen without TLS [I].
    static func isLoopback(_ url: String) -> Bool {
        guard let host = URL(string: url)?.host?.lowercased() else { return false }
        return host == "localhost" || host == "127.0.0.1" || host == "::1" || host == "[::1]"
    }
}
