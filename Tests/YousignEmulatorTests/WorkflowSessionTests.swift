import Foundation
import JSONCodec
import Testing
@testable import YousignEmulator

@Suite("Workflow templates and sessions")
struct WorkflowSessionTests {
    @Test("templates list in the {meta, data} envelope with the fixtures")
    func templates() async throws {
        let api = try TestAPI()
        let r = try await api.get("/v3/workflow_templates")
        #expect(r.status == 200)
        #expect(r["meta"]?["next_cursor"] == .null)
        let names = r["data"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names == ["Customer onboarding", "Business onboarding", "Onboarding in two workspaces"])
        #expect(r["data"]?[0]?["action_groups"] == .array([.object(["type": "identity_verification"]), .object(["type": "signature_request"])]))
    }

    @Test("creating a session materialises every group as awaiting with no actions")
    func create() async throws {
        let api = try TestAPI()
        let r = try await api.post("/v3/workflow_sessions", .object([
            "workflow_template_id": .string(Fixtures.customerOnboardingTemplateID), "name": "Onboarding of Kelly Smith"]))
        #expect(r.status == 201, "\(r)")
        #expect(r["status"] == "awaiting")
        #expect(r["workspace_id"] == .string(Fixtures.defaultWorkspaceID))
        #expect(r["action_groups"] == .array([
            .object(["type": "identity_verification", "status": "awaiting", "actions": .array([])]),
            .object(["type": "signature_request", "status": "awaiting", "actions": .array([])]),
        ]))
        let got = try await api.get("/v3/workflow_sessions/\(r.id)")
        #expect(got.json == r.json)
    }

    @Test("workspace rules of templates scoped to none, one or several workspaces")
    func workspaceRules() async throws {
        let api = try TestAPI()
        let one = try await api.post("/v3/workflow_sessions", .object([
            "workflow_template_id": .string(Fixtures.businessOnboardingTemplateID), "name": "Acme"]))
        #expect(one["workspace_id"] == .string(Fixtures.businessWorkspaceID))
        let missing = try await api.post("/v3/workflow_sessions", .object([
            "workflow_template_id": .string(Fixtures.twoWorkspaceTemplateID), "name": "Two"]))
        #expect(missing.status == 400)
        #expect(missing["type"] == "validation.error")
        #expect(missing["invalid_params"]?[0]?["name"] == "workspace_id")
        let chosen = try await api.post("/v3/workflow_sessions", .object([
            "workflow_template_id": .string(Fixtures.twoWorkspaceTemplateID), "name": "Two",
            "workspace_id": .string(Fixtures.businessWorkspaceID)]))
        #expect(chosen.status == 201)
    }

    @Test("validation lists every invalid field; unknown template is 404")
    func validation() async throws {
        let api = try TestAPI()
        let bad = try await api.post("/v3/workflow_sessions", .object(["name": " padded ", "extra": 1]))
        #expect(bad.status == 400)
        let names = bad["invalid_params"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted()
        #expect(names == ["extra", "name", "workflow_template_id"])
        let unknown = try await api.post("/v3/workflow_sessions", .object([
            "workflow_template_id": "00000000-0000-4000-8000-00000000ffff", "name": "x"]))
        #expect(unknown.status == 404)
        #expect(unknown["type"] == "resource.not_found")
    }

    @Test("cross-cutting: 401 without a key, 404 for unknown ids, 405, 415")
    func crossCutting() async throws {
        let api = try TestAPI()
        let noKey = try await api.call("GET", "/v3/workflow_templates", auth: false)
        #expect(noKey.status == 401)
        #expect(noKey["type"] != nil && noKey["detail"] != nil)
        #expect(try await api.get("/v3/workflow_sessions/00000000-0000-4000-8000-00000000ffff").status == 404)
        #expect(try await api.get("/v3/workflow_sessions/not-a-uuid").status == 404)
        let wrongMethod = try await api.call("DELETE", "/v3/workflow_templates")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.json == .object(["message": "Method Not Allowed"]))
        let wrongType = try await api.call("POST", "/v3/workflow_sessions", headers: ["Content-Type": "text/plain"], body: Array("x".utf8))
        #expect(wrongType.status == 415)
    }
}
