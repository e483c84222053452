import Foundation
import GRDB
import JSONCodec

/// Loading a signature request and its children (documents, signers, fields, approvers,
/// followers) from the store, and the guards every route shares (§6.2).
///
/// Children are stored under their own kind with the request (or, for fields, the document)
/// as parent. Signers, approvers and documents carry an internal `_rank` so that
/// `insert_after_id` can place them anywhere in the order without renumbering.
enum SignatureRequestStore {
    /// The request named by the `signatureRequestId` path parameter, or 404.
    static func load(_ c: RequestContext) throws -> (id: String, body: JSONObject) {
        let id = try c.id("signatureRequestId", "signature request")
        guard let body = try c.db.resource(.signatureRequest, id) else { throw APIError.notFound("signature request") }
        return (id, body)
    }

    /// A child of the request named by a path parameter, or 404 when it belongs elsewhere.
    static func child(_ c: RequestContext, _ kind: ResourceKind, param: String, what: String, parent: String) throws -> (id: String, body: JSONObject) {
        let id = try c.id(param, what)
        guard let body = try c.db.resource(kind, id), try c.db.resourceParent(kind, id) == parent else {
            throw APIError.notFound(what)
        }
        return (id, body)
    }

    static func status(_ sr: JSONObject) -> SignatureRequestStatus { sr.storedStatus(SignatureRequestStatus.self) }

    /// Documents, signers, fields, approvers and followers change only while the request is a
    /// draft (§6.2, §10.8).
    static func requireDraft(_ sr: JSONObject, _ what: String) throws {
        let status = status(sr)
        guard status == .draft else {
            throw APIError.statusNotCompatible("signature_request", "\(what) is only possible while the signature request is in draft; it is \(status).")
        }
    }

    // MARK: children, in order

    static func ranked(_ db: Database, _ kind: ResourceKind, parent: String) throws -> [JSONObject] {
        try db.resources(kind, parent: parent).map(\.body).enumerated()
            .sorted { ($0.element.recordRank, $0.offset) < ($1.element.recordRank, $1.offset) }.map(\.element)
    }

    static func documents(_ db: Database, _ srID: String) throws -> [JSONObject] { try ranked(db, .document, parent: srID) }
    static func signers(_ db: Database, _ srID: String) throws -> [JSONObject] { try ranked(db, .signer, parent: srID) }
    static func approvers(_ db: Database, _ srID: String) throws -> [JSONObject] { try ranked(db, .approver, parent: srID) }
    static func followers(_ db: Database, _ srID: String) throws -> [JSONObject] { try db.resources(.follower, parent: srID).map(\.body) }

    /// Every field of the request, document by document.
    static func fields(_ db: Database, _ srID: String) throws -> [JSONObject] {
        try documents(db, srID).flatMap { doc in try db.resources(.field, parent: doc.recordID).map(\.body) }
    }

    /// The `_rank` for a new (or moved) child: last, or right after `afterID`.
    static func rank(after afterID: String?, among siblings: [JSONObject], field: String = "insert_after_id") throws -> Double {
        let others = siblings.map(\.recordRank).sorted()
        guard let afterID else { return (others.last ?? 0) + 1 }
        guard let i = siblings.firstIndex(where: { $0.recordID == afterID }) else {
            throw APIError.validation(field, "No such recipient or document in this signature request.")
        }
        let base = siblings[i].recordRank
        let next = others.first { $0 > base }
        return next.map { (base + $0) / 2 } ?? base + 1
    }

    /// Recomputes `recipient_stage_index` [I]: with ordered recipients, each one is a stage of
    /// its own counted from 0, except that `group_with_id` puts a recipient in the stage of the
    /// one it names; without ordering every recipient is in stage 0.
    static func restage(_ db: Database, _ srID: String) throws {
        guard let sr = try db.resource(.signatureRequest, srID) else { return }
        for (kind, flag) in [(ResourceKind.signer, "ordered_signers"), (.approver, "ordered_approvers")] {
            let ordered = sr[flag]?.boolValue == true
            var stages: [String: Int64] = [:]
            var next: Int64 = 0
            for var r in try ranked(db, kind, parent: srID) {
                let stage: Int64
                if !ordered { stage = 0 } else if let g = r["_group_with_id"]?.stringValue, let s = stages[g] { stage = s } else {
                    stage = next
                    next += 1
                }
                stages[r.recordID] = stage
                if r["recipient_stage_index"]?.intValue != stage {
                    r["recipient_stage_index"] = .integer(stage)
                    try db.saveResource(kind, r.recordID, r)
                }
            }
        }
    }

    /// Removes the request and everything under it (permanent delete).
    static func purge(_ db: Database, _ srID: String) throws {
        for doc in try documents(db, srID) {
            try db.deleteResources(.field, parent: doc.recordID)
            try db.execute(sql: "DELETE FROM file WHERE id = ?", arguments: [doc["_file_id"]?.stringValue])
        }
        for kind in [ResourceKind.document, .signer, .approver, .follower] { try db.deleteResources(kind, parent: srID) }
        try db.deleteResource(.signatureRequest, srID)
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    var recordID: String { self["id"]?.stringValue ?? "" }
    var recordRank: Double { self["_rank"]?.doubleValue ?? 0 }
}
