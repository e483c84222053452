import JSONCodec
import Testing
import YousignWire
@testable import YousignEmulator

/// `/_emulator/faults`: failures on demand, in process.
@Suite("Emulator faults")
struct FaultTests {
    static let session: JSONValue = .object(["workflow_template_id": .string(Fixtures.customerOnboardingTemplateID), "name": "Kelly Smith"])

    func addFault(_ api: TestAPI, _ rule: JSONValue) async throws -> Reply {
        try await api.call("POST", "/_emulator/faults", json: rule, auth: false)
    }

    func sessionCount(_ api: TestAPI) async throws -> Int {
        try await api.get("/v3/workflow_sessions")["data"]?.arrayValue?.count ?? -1
    }

    @Test("a 503 rule fails the next `count` matching requests without acting, then runs out")
    func statusRuleRunsOut() async throws {
        let api = try TestAPI()
        let added = try await addFault(api, ["method": "POST", "path": "/workflow_sessions", "status": 503, "count": 2])
        #expect(added.status == 201, "\(added)")
        #expect(added.json == ["faults": [["id": 1, "method": "POST", "path": "/workflow_sessions", "status": 503, "remaining": 2]]])
        for _ in 0..<2 {
            let failed = try await api.post("/v3/workflow_sessions", Self.session)
            #expect(failed.status == 503)
            #expect(failed.json == ["type": "about:blank", "detail": "Service unavailable (emulator fault 1)."])
        }
        #expect(try await sessionCount(api) == 0, "a status fault acts on nothing")
        #expect(try await api.post("/v3/workflow_sessions", Self.session).status == 201)
        #expect(try await api.call("GET", "/_emulator/faults", auth: false).json == ["faults": []])
    }

    @Test("the method must match when given; without one any method matches")
    func methods() async throws {
        let api = try TestAPI()
        _ = try await addFault(api, ["method": "post", "path": "/workflow_sessions", "status": 500])
        #expect(try await api.get("/v3/workflow_sessions").status == 200)
        let failed = try await api.post("/v3/workflow_sessions", Self.session)
        #expect(failed.status == 500)
        #expect(failed.json == ["type": "about:blank", "detail": "Something wrong occurred (emulator fault 1)."])
        _ = try await addFault(api, ["path": "/workflow_sessions", "status": 502, "count": 2])
        #expect(try await api.get("/v3/workflow_sessions").status == 502)
        #expect(try await api.post("/v3/workflow_sessions", Self.session).status == 502)
        #expect(try await api.get("/v3/workflow_sessions").status == 200)
    }

    @Test("`*` matches exactly one segment; the query string is ignored")
    func wildcard() async throws {
        let api = try TestAPI()
        _ = try await addFault(api, ["path": "/signature_requests/*/documents", "status": 504, "count": 10])
        #expect(try await api.get("/v3/signature_requests").status == 200)
        #expect(try await api.get("/v3/signature_requests/00000000-0000-4000-8000-000000000001/documents/x").status == 404)
        let failed = try await api.get("/v3/signature_requests/00000000-0000-4000-8000-000000000001/documents?limit=5")
        #expect(failed.status == 504)
        #expect(failed.json["detail"] == "Gateway timeout (emulator fault 1).")
        let rules = try await api.call("GET", "/_emulator/faults", auth: false)
        #expect(rules.json["faults"]?[0]?["remaining"] == 9)
    }

    @Test("a path given with /v3 is the same path; the query is left out")
    func v3Prefix() async throws {
        let api = try TestAPI()
        let added = try await addFault(api, ["path": "/v3/workflow_templates?limit=1", "status": 503])
        #expect(added.json["faults"]?[0]?["path"] == "/workflow_templates")
        #expect(try await api.get("/v3/workflow_templates").status == 503)
    }

    @Test("rules never match the control routes, not even through `*`")
    func notControlRoutes() async throws {
        let api = try TestAPI()
        _ = try await addFault(api, ["path": "/*/*", "status": 503])
        _ = try await addFault(api, ["path": "/*", "status": 503])
        #expect(try await api.call("GET", "/_emulator/clock", auth: false).status == 200)
        #expect(try await api.call("GET", "/_emulator/scenarios", auth: false).status == 200)
        let rules = try await api.call("GET", "/_emulator/faults", auth: false)
        #expect(rules.json["faults"]?.arrayValue?.compactMap { $0["remaining"]?.intValue } == [1, 1])
        let refused = try await addFault(api, ["path": "/_emulator/clock", "status": 503])
        #expect(refused.status == 400)
        #expect(refused.json["invalid_params"] == [["name": "path", "reason": "Rules never match the /_emulator control routes."]])
        #expect(try await api.get("/v3/workflow_templates").status == 503)
    }

    @Test("429 answers Yousign's {message} with Retry-After: 1 by default, or retry_after")
    func tooManyRequests() async throws {
        let api = try TestAPI()
        _ = try await addFault(api, ["path": "/workflow_templates", "status": 429])
        _ = try await addFault(api, ["path": "/workflow_templates", "status": 429, "retry_after": 7])
        let first = try await api.get("/v3/workflow_templates")
        #expect(first.status == 429)
        #expect(first.json == ["message": "Too many requests"])
        #expect(first.response.headers["Retry-After"] == "1")
        let second = try await api.get("/v3/workflow_templates")
        #expect(second.status == 429)
        #expect(second.response.headers["Retry-After"] == "7")
        #expect(try await api.get("/v3/workflow_templates").status == 200)
    }

    @Test("a 5xx rule may carry a Retry-After too")
    func retryAfterOnUnavailable() async throws {
        let api = try TestAPI()
        _ = try await addFault(api, ["path": "/workflow_templates", "status": 503, "retry_after": 30])
        let failed = try await api.get("/v3/workflow_templates")
        #expect(failed.status == 503)
        #expect(failed.response.headers["Retry-After"] == "30")
    }

    @Test("drop acts on the request and marks its response lost: the resource exists")
    func dropActs() async throws {
        let api = try TestAPI()
        let added = try await addFault(api, ["drop": true, "method": "POST", "path": "/workflow_sessions"])
        #expect(added.json == ["faults": [["id": 1, "method": "POST", "path": "/workflow_sessions", "drop": true, "remaining": 1]]])
        let dropped = try await api.post("/v3/workflow_sessions", Self.session)
        #expect(dropped.response.dropConnection)
        #expect(dropped.status == 201, "the emulator acted before the connection was lost")
        #expect(try await sessionCount(api) == 1)
        let next = try await api.post("/v3/workflow_sessions", Self.session)
        #expect(!next.response.dropConnection)
        #expect(try await sessionCount(api) == 2)
    }

    @Test("DELETE clears every rule (204) and a reset clears them too")
    func clearing() async throws {
        let api = try TestAPI()
        _ = try await addFault(api, ["path": "/workflow_templates", "status": 503, "count": 5])
        let cleared = try await api.call("DELETE", "/_emulator/faults", auth: false)
        #expect(cleared.status == 204)
        #expect(try await api.get("/v3/workflow_templates").status == 200)
        _ = try await addFault(api, ["path": "/workflow_templates", "status": 503])
        #expect(try await api.call("POST", "/_emulator/reset", auth: false).status == 204)
        #expect(try await api.call("GET", "/_emulator/faults", auth: false).json == ["faults": []])
        #expect(try await api.get("/v3/workflow_templates").status == 200)
        let next = try await addFault(api, ["path": "/workflow_templates", "status": 503])
        #expect(next.json["faults"]?[0]?["id"] == 3, "ids are not reused")
    }

    @Test("a bad rule is a 400 that says what a rule is and lists what is wrong", arguments: [
        (JSONValue.object([:]), ["path", "status"]),
        (["path": "/workflow_templates", "status": 404], ["status"]),
        (["path": "/workflow_templates", "status": "503"], ["status"]),
        (["path": "/workflow_templates", "status": 503, "drop": true], ["status"]),
        (["path": "/workflow_templates", "drop": false], ["status"]),
        (["path": "/workflow_templates", "drop": true, "retry_after": 2], ["retry_after"]),
        (["path": "/v3", "status": 503], ["path"]),
        (["path": "workflow_templates", "status": 503], ["path"]),
        (["path": "/signature_requests/abc*", "status": 503], ["path"]),
        (["path": "/workflow_templates", "status": 503, "method": "FETCH", "count": 0, "times": 2], ["count", "method", "times"]),
    ] as [(JSONValue, [String])])
    func badRules(rule: JSONValue, wrong: [String]) async throws {
        let api = try TestAPI()
        let r = try await addFault(api, rule)
        #expect(r.status == 400)
        #expect(r.json["type"] == "validation.error")
        #expect(r.json["detail"]?.stringValue == FaultRules.accepted)
        #expect(Set(r.json["invalid_params"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []) == Set(wrong), "\(r)")
        #expect(try await api.call("GET", "/_emulator/faults", auth: false).json == ["faults": []])
    }

    @Test("a body that is not a JSON object is refused like any control body")
    func notAnObject() async throws {
        let api = try TestAPI()
        let r = try await addFault(api, [1, 2])
        #expect(r.status == 400)
        #expect(r.json["type"] == "parameters_not_valid")
    }
}
