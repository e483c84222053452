import Foundation
import JSONCodec
import YousignWire

/// Workflow templates (§3) and sessions (§4.1, §4.4).
enum WorkflowRoutes {
    static func register(_ r: inout Router) {
        r.get("/v3/workflow_templates") { c in
            Responses.json(200, try Pagination.page(try c.db.resources(.template), c))
        }
        // Sessions are kept current by `SessionLinks` on every change of a linked resource, so
        // reads only render.
        r.get("/v3/workflow_sessions") { c in
            Responses.json(200, try Pagination.page(try c.db.resources(.session), c))
        }
        r.post("/v3/workflow_sessions", create)
        r.get("/v3/workflow_sessions/{workflowSessionId}") { c in
            let id = try c.id("workflowSessionId", "workflow session")
            guard let session = try c.db.resource(.session, id) else { throw APIError.notFound("workflow session") }
            return Responses.json(200, publicBody(session))
        }
        r.post("/v3/workflow_sessions/{workflowSessionId}/resolve_action", resolveAction)
    }

    static func create(_ c: inout RequestContext) throws -> WireResponse {
        var body = BodyReader(try c.jsonBody())
        let templateID = body.uuid("workflow_template_id", required: true)
        let name = body.string("name", required: true, max: 128, format: .safe)
        let workspaceID = body.uuid("workspace_id")
        body.rejectUnknown(["workflow_template_id", "name", "workspace_id"])
        try body.check()
        guard let template = try c.db.resource(.template, templateID!) else { throw APIError.notFound("workflow template") }
        let scoped = (template["workspaces"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        let workspace: String
        switch scoped.count {
        case 0: workspace = try c.workspaceID(workspaceID)
        case 1:
            if let workspaceID, workspaceID != scoped[0] {
                throw APIError.validation("workspace_id", "The workflow template is scoped to another workspace.")
            }
            workspace = scoped[0]
        default:
            guard let workspaceID else {
                throw APIError.validation("workspace_id", "The workflow template is scoped to several workspaces: workspace_id is required.")
            }
            guard scoped.contains(workspaceID) else {
                throw APIError.validation("workspace_id", "The workspace must be one of the workflow template's workspaces.")
            }
            workspace = workspaceID
        }
        let id = c.newID()
        let groups: [JSONValue] = (template["action_groups"]?.arrayValue ?? []).map {
            .object(["type": $0["type"] ?? .null, "status": WorkflowStatus.awaiting.json, "actions": .array([])])
        }
        let session: JSONObject = [
            "id": .string(id), "created_at": .string(c.timestamp), "updated_at": .string(c.timestamp), "name": .string(name!),
            "workflow_template_id": .string(templateID!), "workspace_id": .string(workspace), "status": WorkflowStatus.awaiting.json,
            "action_groups": .array(groups),
        ]
        try c.db.insertResource(.session, id: id, body: session)
        return Responses.json(201, publicBody(session))
    }

    /// `resolve_action` (§4.4): counts a pending, failed or inconclusive verification as verified.
    static func resolveAction(_ c: inout RequestContext) throws -> WireResponse {
        let sessionID = try c.id("workflowSessionId", "workflow session")
        guard var session = try c.db.resource(.session, sessionID) else { throw APIError.notFound("workflow session") }
        var body = BodyReader(try c.jsonBody())
        var resource = body.object("resource", required: true)
        let resourceID = resource?.uuid("id", required: true)
        let type = resource?.enumeration("type", ResourceTypes.resolvable, required: true)
        body.merge(resource)
        let reason = body.string("reason", max: 150, format: .safe)
        body.rejectUnknown(["resource", "reason"])
        try body.check()
        var groups = SessionLinks.groups(session)
        for gi in groups.indices {
            var actions = groups[gi]["actions"]?.arrayValue ?? []
            guard let ai = actions.firstIndex(where: { $0["resource"]?["id"]?.stringValue == resourceID }) else { continue }
            var action = actions[ai].objectValue ?? [:]
            guard action["resource"]?["type"]?.stringValue == type else {
                throw APIError.validation("resource[type]", "The resource is a \(action["resource"]?["type"]?.stringValue ?? "?"), not a \(type!).")
            }
            let status = try SessionLinks.currentStatus(c, type: type!, id: resourceID!)
            let resolvable: [VerificationStatus] = [.pending, .failed, .inconclusive]
            guard let current = VerificationStatus(rawValue: status), resolvable.contains(current) else {
                throw APIError.badRequest("workflow_session.action_not_resolvable",
                                          "Only a pending, failed or inconclusive resource can be resolved; this one is \(status).")
            }
            action["resolution"] = .object(["reason": reason.map(JSONValue.string) ?? .null, "resolved_at": .string(c.timestamp)])
            actions[ai] = .object(action)
            groups[gi]["actions"] = .array(actions)
            session["action_groups"] = .array(groups.map(JSONValue.object))
            try c.db.saveResource(.session, sessionID, session)
            try SessionLinks.refresh(&c, sessionID: sessionID)
            return Responses.empty()
        }
        throw APIError.notFound("action")
    }
}
