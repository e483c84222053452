import Foundation
import JSONCodec
import YousignWire

/// Workspaces (§8). Exactly one is the default; deleting it is refused [I].
enum WorkspaceRoutes {
    static func register(_ r: inout Router) {
        r.get("/v3/workspaces") { c in
            let live = try c.db.resources(.workspace).filter { $0.body["deleted_at"] == .null }
            return Responses.json(200, try Pagination.page(live, c, defaultLimit: 10))
        }
        r.post("/v3/workspaces") { c in
            var body = BodyReader(try c.jsonBody())
            let name = body.string("name", required: true, max: 200, format: .safe)
            let external = body.string("external_name", max: 200, format: .safe)
            body.rejectUnknown(["name", "external_name"])
            try body.check()
            let id = c.newID()
            let w: JSONObject = [
                "id": .string(id), "name": .string(name!), "external_name": external.map(JSONValue.string) ?? .null,
                "default": false, "created_at": .string(c.timestamp), "updated_at": .string(c.timestamp),
                "deleted_at": .null, "users": .array([]),
            ]
            try c.db.insertResource(.workspace, id: id, body: w)
            return Responses.json(201, publicBody(w))
        }
        r.get("/v3/workspaces/default") { c in
            Responses.json(200, publicBody(try c.db.resource(.workspace, try c.defaultWorkspaceID())!))
        }
        r.post("/v3/workspaces/default") { c in
            var body = BodyReader(try c.jsonBody())
            let id = body.uuid("workspace_id", required: true)
            body.rejectUnknown(["workspace_id"])
            try body.check()
            guard var target = try live(c, id!) else { throw APIError.notFound("workspace") }
            let old = try c.defaultWorkspaceID()
            if var w = try c.db.resource(.workspace, old) {
                w["default"] = false
                w["updated_at"] = .string(c.timestamp)
                try c.db.saveResource(.workspace, old, w)
            }
            target["default"] = true
            target["updated_at"] = .string(c.timestamp)
            try c.db.saveResource(.workspace, id!, target)
            return Responses.empty()
        }
        r.get("/v3/workspaces/{workspaceId}") { c in
            guard let w = try live(c, try c.id("workspaceId", "workspace")) else { throw APIError.notFound("workspace") }
            return Responses.json(200, publicBody(w))
        }
        r.patch("/v3/workspaces/{workspaceId}") { c in
            let id = try c.id("workspaceId", "workspace")
            guard var w = try live(c, id) else { throw APIError.notFound("workspace") }
            var body = BodyReader(try c.jsonBody())
            let name = body.string("name", max: 200, format: .safe)
            let external = body.string("external_name", max: 200, format: .safe)
            body.rejectUnknown(["name", "external_name"])
            try body.check()
            if let name { w["name"] = .string(name) }
            if body.has("external_name") { w["external_name"] = external.map(JSONValue.string) ?? .null }
            w["updated_at"] = .string(c.timestamp)
            try c.db.saveResource(.workspace, id, w)
            return Responses.json(200, publicBody(w))
        }
        r.delete("/v3/workspaces/{workspaceId}") { c in
            let id = try c.id("workspaceId", "workspace")
            guard var w = try live(c, id) else { throw APIError.notFound("workspace") }
            var body = BodyReader(try c.jsonBody())
            let target = body.uuid("workspace_id", required: true)
            body.rejectUnknown(["workspace_id"])
            try body.check()
            guard w["default"]?.boolValue != true else {
                throw APIError.badRequest("workspace.default_not_deletable", "The default workspace cannot be deleted; make another one the default first.")
            }
            guard target != id, try live(c, target!) != nil else {
                throw APIError.validation("workspace_id", "Name another existing workspace to move the resources to.")
            }
            try moveResources(&c, from: id, to: target!)
            w["deleted_at"] = .string(c.timestamp)
            try c.db.saveResource(.workspace, id, w)
            return Responses.empty()
        }
        r.put("/v3/workspaces/{workspaceId}/users/{userId}") { c in try setUser(&c, add: true) }
        r.delete("/v3/workspaces/{workspaceId}/users/{userId}") { c in try setUser(&c, add: false) }
    }

    static func live(_ c: RequestContext, _ id: String) throws -> JSONObject? {
        guard let w = try c.db.resource(.workspace, id), w["deleted_at"] == .null else { return nil }
        return w
    }

    /// Users are not emulated beyond membership: the id is recorded in `users`.
    static func setUser(_ c: inout RequestContext, add: Bool) throws -> WireResponse {
        let id = try c.id("workspaceId", "workspace")
        let user = try c.id("userId", "user")
        guard var w = try live(c, id) else { throw APIError.notFound("workspace") }
        var users = (w["users"]?.arrayValue ?? []).filter { $0["id"]?.stringValue != user }
        if add { users.append(.object(["id": .string(user)])) }
        w["users"] = .array(users)
        w["updated_at"] = .string(c.timestamp)
        try c.db.saveResource(.workspace, id, w)
        return Responses.empty()
    }

    static func moveResources(_ c: inout RequestContext, from: String, to: String) throws {
        for kind in [ResourceKind.session, .signatureRequest, .verification, .documentAnalysis] {
            for (_, var body) in try c.db.resources(kind) where body["workspace_id"]?.stringValue == from {
                body["workspace_id"] = .string(to)
                if let id = body["id"]?.stringValue { try c.db.saveResource(kind, id, body) }
            }
        }
    }
}
