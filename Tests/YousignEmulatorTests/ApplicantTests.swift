import JSONCodec
import Testing
@testable import YousignEmulator

@Suite("Applicants and portal links")
struct ApplicantTests {
    func session(_ api: TestAPI) async throws -> String {
        try await api.post("/v3/workflow_sessions", .object([
            "workflow_template_id": .string(Fixtures.customerOnboardingTemplateID), "name": "Onboarding of Kelly Smith"])).id
    }

    @Test("a natural person applicant is created initiated with every key, listed, patched")
    func naturalPerson() async throws {
        let api = try TestAPI()
        let s = try await session(api)
        let created = try await api.post("/v3/workflow_sessions/\(s)/applicants", .object([
            "type": "natural_person", "label": "Kelly Smith", "reference_id": "CRM-42",
            "natural_person": .object(["identity": .object(["first_name": "Kelly", "last_name": "Smith"])]),
        ]))
        #expect(created.status == 201, "\(created)")
        #expect(created["status"] == "initiated")
        #expect(created["natural_person"] == .object([
            "identity": .object(["first_name": "Kelly", "last_name": "Smith"]), "address": .null, "bank_account": .null]))
        let list = try await api.get("/v3/workflow_sessions/\(s)/applicants")
        #expect(list["data"]?.arrayValue?.count == 1)
        #expect(list["data"]?[0]?["natural_person"] == nil)
        let patched = try await api.patch("/v3/workflow_sessions/\(s)/applicants/\(created.id)", .object(["label": "Kelly S."]))
        #expect(patched["label"] == "Kelly S.")
        #expect(patched["natural_person"]?["identity"]?["first_name"] == "Kelly")
    }

    @Test("links notify each applicant once and carry a URL and expiry")
    func links() async throws {
        let api = try TestAPI()
        let s = try await session(api)
        let a = try await api.post("/v3/workflow_sessions/\(s)/applicants", .object(["type": "natural_person", "label": "Kelly"]))
        let links = try await api.get("/v3/workflow_sessions/\(s)/links")
        #expect(links.status == 200)
        #expect(links["applicants"]?[0]?["status"] == "notified")
        #expect(links["applicants"]?[0]?["workflow_session_link_url"]?.stringValue?.contains(a.id) == true)
        #expect(links["applicants"]?[0]?["workflow_session_link_expires_at"] == "2026-01-03T00:00:00+00:00")
        let filtered = try await api.get("/v3/workflow_sessions/\(s)/applicants?status=initiated")
        #expect(filtered["data"] == .array([]))
    }

    @Test("invalid applicants list every problem")
    func invalid() async throws {
        let api = try TestAPI()
        let s = try await session(api)
        let r = try await api.post("/v3/workflow_sessions/\(s)/applicants", .object([
            "type": "natural_person", "natural_person": .object(["identity": .object(["first_name": "Kelly"])])]))
        #expect(r.status == 400)
        let names = r["invalid_params"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted()
        #expect(names == ["label", "natural_person[identity][last_name]"])
    }
}

@Suite("Workspaces")
struct WorkspaceTests {
    @Test("list defaults to 10 per page; the default workspace can be changed but not deleted")
    func workspaces() async throws {
        let api = try TestAPI()
        for i in 0..<12 { #expect(try await api.post("/v3/workspaces", .object(["name": .string("Team \(i)")])).status == 201) }
        let first = try await api.get("/v3/workspaces")
        #expect(first["data"]?.arrayValue?.count == 10)
        let cursor = try #require(first["meta"]?["next_cursor"]?.stringValue)
        let second = try await api.get("/v3/workspaces?after=\(cursor)")
        #expect(second["data"]?.arrayValue?.count == 4)
        #expect(second["meta"]?["next_cursor"] == .null)
        #expect(try await api.get("/v3/workspaces?limit=101").status == 400)
        let def = try await api.get("/v3/workspaces/default")
        #expect(def.id == Fixtures.defaultWorkspaceID)
        let refused = try await api.delete("/v3/workspaces/\(def.id)", .object(["workspace_id": .string(Fixtures.businessWorkspaceID)]))
        #expect(refused.status == 400)
        #expect(try await api.post("/v3/workspaces/default", .object(["workspace_id": .string(Fixtures.businessWorkspaceID)])).status == 204)
        #expect(try await api.get("/v3/workspaces/default").id == Fixtures.businessWorkspaceID)
        let moved = try await api.delete("/v3/workspaces/\(def.id)", .object(["workspace_id": .string(Fixtures.businessWorkspaceID)]))
        #expect(moved.status == 204)
        #expect(try await api.get("/v3/workspaces/\(def.id)").status == 404)
    }

    @Test("sessions land in the default workspace")
    func defaultWorkspace() async throws {
        let api = try TestAPI()
        let w = try await api.post("/v3/workspaces", .object(["name": "Retail"]))
        #expect(try await api.post("/v3/workspaces/default", .object(["workspace_id": .string(w.id)])).status == 204)
        let s = try await api.post("/v3/workflow_sessions", .object([
            "workflow_template_id": .string(Fixtures.customerOnboardingTemplateID), "name": "x"]))
        #expect(s["workspace_id"] == .string(w.id))
    }
}
