import Foundation
import GRDB
import JSONCodec
import YousignWire

/// `POST /v3/signature_requests` (§6.3): a oneOf of "from scratch" and "duplicate"
/// (`{signature_request_id}`); both may join a workflow session (§4.2).
extension SignatureRequestRoutes {
    static func create(_ c: inout RequestContext) throws -> WireResponse {
        let object = try c.jsonBody()
        if object["signature_request_id"] != nil { return try duplicate(&c, object) }
        var body = BodyReader(object)
        let settings = try SignatureRequestSettings.read(&body, c, creating: true)
        body.rejectUnknown(SignatureRequestSettings.createKeys)
        try body.check()
        if let day = settings["_expiration_day"]?.stringValue { try SignatureRequestExpiration.checkRange(day, now: c.now) }
        let sessionID = body["workflow_session_id"]?.stringValue?.lowercased()
        let previousID = body["previous_attempt_id"]?.stringValue?.lowercased()
        let link = try SessionLinks.prepare(c, sessionID: sessionID, previousAttemptID: previousID, resourceType: "signature_request")
        var sr = SignatureRequestSettings.defaults
        for (key, value) in settings { sr[key] = value }
        // [I] as for verifications: an explicit workspace_id, else the session's, else the default
        if sr["workspace_id"] == nil, let sessionID,
           let w = try c.db.resource(.session, sessionID)?["workspace_id"]?.stringValue {
            sr["workspace_id"] = .string(w)
        }
        if sr["workspace_id"] == nil { sr["workspace_id"] = .string(try c.defaultWorkspaceID()) }
        let id = try insert(&c, sr, sessionID: sessionID, previousID: previousID, link: link)
        return Responses.json(201, try SignatureRequestRender.full(c.db, try c.db.resource(.signatureRequest, id)!))
    }

    /// Stores a new draft with the lifecycle fields every request starts with, and links it
    /// to its session.
    static func insert(_ c: inout RequestContext, _ settings: JSONObject, sessionID: String?, previousID: String?,
                       link: SessionLinks.Link?) throws -> String {
        let id = c.newID()
        var sr = settings
        sr["id"] = .string(id)
        sr.setStatus(SignatureRequestStatus.draft)
        sr["created_at"] = .string(c.timestamp)
        for key in ["activated_at", "completed_at", "approved_at", "sender", "bulk_send_batch_id", "decline_information", "rejection_information"] {
            sr[key] = .null
        }
        sr["source"] = "public_api"
        sr["custom_properties"] = .array([])
        sr["workflow_session_id"] = sessionID.map(JSONValue.string) ?? .null
        sr["previous_attempt_id"] = previousID.map(JSONValue.string) ?? .null
        // a draft shows the default its activation would get today [I]; activation recomputes it
        sr["expiration_date"] = SignatureRequestExpiration.value(sr, from: c.now)
        try c.db.insertResource(.signatureRequest, id: id, body: sr)
        if let link { try SessionLinks.attach(&c, link, resourceID: id, createdAt: c.timestamp) }
        return id
    }

    /// Duplicate: a new draft with the original's settings, documents (bytes copied), signers,
    /// approvers, fields and followers, in the original's workspace [I: every recipient starts
    /// over as `initiated`; an explicit expiration date that is no longer valid falls back to the
    /// default].
    static func duplicate(_ c: inout RequestContext, _ object: JSONObject) throws -> WireResponse {
        var body = BodyReader(object)
        let originalID = body.uuid("signature_request_id", required: true)
        let name = body.string("name", max: 128)
        let sessionID = body.uuid("workflow_session_id")
        let previousID = body.uuid("previous_attempt_id")
        body.rejectUnknown(["signature_request_id", "name", "workflow_session_id", "previous_attempt_id"])
        try body.check()
        guard let original = try c.db.resource(.signatureRequest, originalID!) else { throw APIError.notFound("signature request") }
        let link = try SessionLinks.prepare(c, sessionID: sessionID, previousAttemptID: previousID, resourceType: "signature_request")
        var settings = original.filter { SignatureRequestSettings.patchKeys.contains($0.key) || $0.key == "_expiration_day" }
        if let name { settings["name"] = .string(name) }
        if let day = settings["_expiration_day"]?.stringValue, (try? SignatureRequestExpiration.checkRange(day, now: c.now)) == nil {
            settings["_expiration_day"] = nil
        }
        let id = try insert(&c, settings, sessionID: sessionID, previousID: previousID, link: link)
        try copyChildren(&c, from: originalID!, to: id)
        return Responses.json(201, try SignatureRequestRender.full(c.db, try c.db.resource(.signatureRequest, id)!))
    }

    private static func copyChildren(_ c: inout RequestContext, from source: String, to target: String) throws {
        var ids: [String: String] = [:]
        func remap(_ v: JSONValue?) -> JSONValue {
            guard let s = v?.stringValue else { return v ?? .null }
            return .string(ids[s] ?? s)
        }
        let docs = try SignatureRequestStore.documents(c.db, source)
        let signers = try SignatureRequestStore.signers(c.db, source)
        let approvers = try SignatureRequestStore.approvers(c.db, source)
        for old in docs + signers + approvers { ids[old.recordID] = c.newID() }
        for var doc in docs {
            let fileID = c.newID()
            if let bytes = try doc["_file_id"]?.stringValue.flatMap(c.db.file) { try c.db.storeFile(fileID, bytes) }
            let oldID = doc.recordID
            doc["id"] = remap(doc["id"])
            doc["_file_id"] = .string(fileID)
            doc["created_at"] = .string(c.timestamp)
            try c.db.insertResource(.document, id: doc.recordID, parent: target, body: doc)
            for var field in try c.db.resources(.field, parent: oldID).map(\.body) {
                field["id"] = .string(c.newID())
                field["document_id"] = .string(doc.recordID)
                if field["signer_id"] != nil { field["signer_id"] = remap(field["signer_id"]) }
                field["_signature_request_id"] = .string(target)
                try c.db.insertResource(.field, id: field.recordID, parent: doc.recordID, body: SignatureRequestFields.cleared(field))
            }
        }
        for var signer in signers {
            signer["id"] = remap(signer["id"])
            signer.setStatus(SignerStatus.initiated)
            for key in ["signature_link", "signature_link_expiration_date", "signed_at"] { signer[key] = .null }
            signer["_signature_request_id"] = .string(target)
            if signer["_group_with_id"] != nil { signer["_group_with_id"] = remap(signer["_group_with_id"]) }
            signer["excluded_documents"] = .array((signer["excluded_documents"]?.arrayValue ?? []).map { remap($0) })
            try c.db.insertResource(.signer, id: signer.recordID, parent: target, body: signer)
        }
        for var approver in approvers {
            approver["id"] = remap(approver["id"])
            approver.setStatus(ApproverStatus.initiated)
            for key in ["approval_link", "approval_link_expiration_date", "approved_at"] { approver[key] = .null }
            if approver["_group_with_id"] != nil { approver["_group_with_id"] = remap(approver["_group_with_id"]) }
            approver["excluded_documents"] = .array((approver["excluded_documents"]?.arrayValue ?? []).map { remap($0) })
            try c.db.insertResource(.approver, id: approver.recordID, parent: target, body: approver)
        }
        for var follower in try SignatureRequestStore.followers(c.db, source) {
            follower["id"] = .string(c.newID())
            follower["follower_link"] = .null
            try c.db.insertResource(.follower, id: follower.recordID, parent: target, body: follower)
        }
        for var doc in try SignatureRequestStore.documents(c.db, target) {
            for key in ["excluded_signers", "excluded_approvers"] { doc[key] = .array((doc[key]?.arrayValue ?? []).map { remap($0) }) }
            try c.db.saveResource(.document, doc.recordID, doc)
        }
    }
}
