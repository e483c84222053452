import Foundation
import JSONCodec
import Testing
@testable import YousignEmulator

/// Every route that exists today, called over HTTP once the way a client would, so that the
/// conformance check (scripts/test) sees the shape of each response, errors included.
@Suite("Emulator over HTTP: a call to every route")
struct ServerConformanceSweepTests {
    @Test("workspaces: list, create, get, patch, default, delete, and their errors")
    func workspaces() async throws {
        try await ServerHTTPTests.served { http in
            let list = try await http.send("GET", "/v3/workspaces")
            #expect(list.status == 200)
            #expect(list.json["data"]?.arrayValue?.count == 2)
            let created = try await http.send("POST", "/v3/workspaces", json: .object(["name": "Retail", "external_name": .null]))
            #expect(created.status == 201, "\(created)")
            let id = try #require(created.json["id"]?.stringValue)
            #expect(try await http.send("GET", "/v3/workspaces/\(id)").json == created.json)
            let patched = try await http.send("PATCH", "/v3/workspaces/\(id)", json: .object(["external_name": "Retail EU"]))
            #expect(patched.status == 200)
            #expect(patched.json["external_name"] == "Retail EU")
            #expect(try await http.send("GET", "/v3/workspaces/default").json["id"] == .string(Fixtures.defaultWorkspaceID))
            #expect(try await http.send("POST", "/v3/workspaces/default", json: .object(["workspace_id": .string(id)])).status == 204)
            #expect(try await http.send("GET", "/v3/workspaces/default").json["id"] == .string(id))
            #expect(try await http.send("POST", "/v3/workspaces/default",
                                        json: .object(["workspace_id": .string(Fixtures.defaultWorkspaceID)])).status == 204)
            let deleted = try await http.send("DELETE", "/v3/workspaces/\(id)",
                                              json: .object(["workspace_id": .string(Fixtures.defaultWorkspaceID)]))
            #expect(deleted.status == 204)
            #expect(try await http.send("GET", "/v3/workspaces/\(id)").status == 404)
            let invalid = try await http.send("POST", "/v3/workspaces", json: .object(["name": ""]))
            #expect(invalid.status == 400)
            #expect(invalid.json["type"] == "validation.error")
            #expect(try await http.send("GET", "/v3/workspaces?limit=101").status == 400)
        }
    }

    @Test("webhooks: create, list, get, patch, delete, and their errors")
    func webhooks() async throws {
        try await ServerHTTPTests.served { http in
            let created = try await http.send("POST", "/v3/webhooks", json: .object([
                "endpoint": "https://example.com/hooks", "description": "CRM", "sandbox": true,
                "subscribed_events": ["workflow_session.done", "signature_request.done"], "scopes": ["public_api"],
                "auto_retry": true, "enabled": true]))
            #expect(created.status == 201, "\(created)")
            #expect(created.json["secret_key"]?.stringValue?.count == 32)
            let id = try #require(created.json["id"]?.stringValue)
            let list = try await http.send("GET", "/v3/webhooks")
            #expect(list.json.arrayValue?.count == 1)
            #expect(try await http.send("GET", "/v3/webhooks/\(id)").json == created.json)
            let patched = try await http.send("PATCH", "/v3/webhooks/\(id)", json: .object(["enabled": false]))
            #expect(patched.status == 200)
            #expect(patched.json["enabled"] == false)
            #expect(try await http.send("DELETE", "/v3/webhooks/\(id)").status == 204)
            #expect(try await http.send("GET", "/v3/webhooks/\(id)").status == 404)
            let insecure = try await http.send("POST", "/v3/webhooks", json: .object([
                "endpoint": "http://example.com/hooks", "description": .null, "sandbox": true,
                "subscribed_events": ["*"], "scopes": ["*"], "auto_retry": false, "enabled": true]))
            #expect(insecure.status == 400)
            #expect(insecure.json["invalid_params"]?[0]?["name"] == "endpoint")
        }
    }

    @Test("workflow sessions: list, create, get, resolve_action on an unknown action")
    func sessions() async throws {
        try await ServerHTTPTests.served { http in
            let created = try await http.send("POST", "/v3/workflow_sessions", json: .object([
                "workflow_template_id": .string(Fixtures.businessOnboardingTemplateID), "name": "Acme"]))
            #expect(created.status == 201)
            let id = try #require(created.json["id"]?.stringValue)
            #expect(try await http.send("GET", "/v3/workflow_sessions").status == 200)
            let resolve = try await http.send("POST", "/v3/workflow_sessions/\(id)/resolve_action", json: .object([
                "resource": .object(["id": "00000000-0000-4000-8000-00000000ffff", "type": "identity_document_verification"])]))
            #expect(resolve.status == 404, "\(resolve)")
            let invalid = try await http.send("POST", "/v3/workflow_sessions", json: .object(["name": "x"]))
            #expect(invalid.status == 400)
        }
    }
}
