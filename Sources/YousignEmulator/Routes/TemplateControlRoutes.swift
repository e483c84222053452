import Foundation
import JSONCodec
import YousignWire

/// `POST /_emulator/workflow_templates`: a workflow template made on the spot. Yousign staff
/// make templates (there is no API for them), so a test that needs its own (`emulator.seed{
/// templates = {...} }` in `onboard test`) adds it here: `{name, action_groups: [types],
/// workspaces?: [ids], id?}`, answered 201 with the template as `GET /v3/workflow_templates`
/// shows it. [I] The emulator's own choice: Yousign has no such route.
enum TemplateControlRoutes {
    static func register(_ r: inout Router) {
        r.add("POST", "/_emulator/workflow_templates", auth: false) { c in
            var body = BodyReader(try c.jsonBody())
            let name = body.string("name", required: true)
            let groups = body.array("action_groups", required: true, max: 20)?.compactMap { $0.stringValue ?? $0["type"]?.stringValue }
            let workspaces = body.array("workspaces", max: 50)?.compactMap { $0.stringValue ?? $0["id"]?.stringValue } ?? []
            let given = body.string("id", max: 64)
            body.rejectUnknown(["name", "action_groups", "workspaces", "id"])
            if let groups {
                if groups.isEmpty { body.problem("action_groups", "This collection should contain 1 element or more.") }
                for g in groups where !Fixtures.groupTypes.contains(g) {
                    body.problem("action_groups", "'\(g)' is not an action group type (\(Fixtures.groupTypes.sorted().joined(separator: ", "))).")
                }
            }
            for w in workspaces where try c.db.resource(.workspace, w) == nil {
                body.problem("workspaces", "No workspace \(w) in this emulator.")
            }
            try body.check()
            let id = (given ?? c.newID()).lowercased()
            if try c.db.resource(.template, id) != nil { throw APIError.validation("id", "A workflow template \(id) exists already.") }
            let template: JSONObject = [
                "id": .string(id), "name": .string(name ?? ""),
                "action_groups": .array((groups ?? []).map { .object(["type": .string($0)]) }),
                "workspaces": .array(workspaces.map { .object(["id": .string($0)]) }),
            ]
            try c.db.insertResource(.template, id: id, body: template)
            return Responses.json(201, .object(template))
        }
    }
}
