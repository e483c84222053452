import JSONCodec
import Testing
@testable import YousignEmulator

@Suite("A session's resources and workspaces [I]")
struct SessionWorkspaceTests {
    @Test("a signature request or verification created in a session without workspace_id lands in the session's workspace")
    func inheritsTheSessionsWorkspace() async throws {
        let api = try TestAPI()
        let session = try await api.call("POST", "/v3/workflow_sessions", json: .object([
            "workflow_template_id": .string(Fixtures.businessOnboardingTemplateID), "name": "Acme"]))
        #expect(session.status == 201)
        #expect(session.json["workspace_id"] == .string(Fixtures.businessWorkspaceID))
        let sessionID = try #require(session.json["id"]?.stringValue)
        let sr = try await api.call("POST", "/v3/signature_requests", json: .object([
            "name": "Agreement", "delivery_mode": "none", "workflow_session_id": .string(sessionID)]))
        #expect(sr.json["workspace_id"] == .string(Fixtures.businessWorkspaceID))
        let watchlist = try await api.call("POST", "/v3/verifications/watchlists", json: .object([
            "workflow_session_id": .string(sessionID),
            "natural_person": .object(["first_name": "Camille", "last_name": "Martin", "born_on": "1980-05-17"])]))
        #expect(watchlist.status == 201, "\(watchlist.response.bodyText)")
        #expect(watchlist.json["workspace_id"] == .string(Fixtures.businessWorkspaceID))
        let explicit = try await api.call("POST", "/v3/signature_requests", json: .object([
            "name": "Elsewhere", "delivery_mode": "none", "workspace_id": .string(Fixtures.defaultWorkspaceID)]))
        #expect(explicit.json["workspace_id"] == .string(Fixtures.defaultWorkspaceID))
        let outside = try await api.call("POST", "/v3/signature_requests", json: .object(["name": "Alone", "delivery_mode": "none"]))
        #expect(outside.json["workspace_id"] == .string(Fixtures.defaultWorkspaceID))
    }
}
