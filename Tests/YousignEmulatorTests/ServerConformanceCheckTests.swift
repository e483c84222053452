import Foundation
import Testing

/// `scripts/conformance.py` on logs made up for the purpose: it must catch what it is for.
@Suite("Conformance check (scripts/conformance.py)", .enabled(if: ConformanceScript.available))
struct ServerConformanceCheckTests {
    static let session = #"{"id":"00000000-0000-4000-8000-000000000001","created_at":"2026-01-01T00:00:00+00:00","updated_at":"2026-01-01T00:00:00+00:00","name":"Kelly","workflow_template_id":"7e3b1f00-0000-4000-8000-00000000c0b0","workspace_id":"5a1d0c1e-0000-4000-8000-00000000d3f0","status":"awaiting","action_groups":[]}"#

    @Test("valid responses pass; a missing required key and a bad enum fail with their JSON paths")
    func failures() throws {
        let broken = Self.session.replacingOccurrences(of: #","workspace_id":"5a1d0c1e-0000-4000-8000-00000000d3f0""#, with: "")
            .replacingOccurrences(of: #""status":"awaiting""#, with: #""status":"weird""#)
        let r = try ConformanceScript.run(log: [
            #"{"method":"GET","path":"/v3/workflow_sessions/00000000-0000-4000-8000-000000000001","status":200,"content_type":"application/json","body":\#(Self.session)}"#,
            #"{"method":"GET","path":"/v3/workflow_sessions/00000000-0000-4000-8000-000000000001","status":200,"content_type":"application/json","body":\#(broken)}"#,
            #"{"method":"DELETE","path":"/v3/workflow_templates","status":405,"content_type":"application/json","body":{"message":"Method Not Allowed"}}"#,
            #"{"method":"GET","path":"/v3/workflow_templates","status":404,"content_type":"application/json","body":{"type":"resource.not_found"}}"#,
            #"{"method":"GET","path":"/v3/not_a_route","status":404,"content_type":"application/json","body":{"type":"x","detail":"y"}}"#,
        ])
        #expect(r.status == 1, "\(r.output)")
        let lines = r.output.split(separator: "\n").map(String.init)
        #expect(lines.contains("FAIL GET /v3/workflow_sessions/{workflowSessionId} 200: $: 'workspace_id' is a required property"))
        #expect(lines.contains { $0.hasPrefix("FAIL GET /v3/workflow_sessions/{workflowSessionId} 200: $.status: 'weird' is not one of") })
        #expect(lines.contains("  GET /v3/workflow_templates 404: the operation declares no 404 response"))
        #expect(lines.contains("  GET /v3/not_a_route 404: no such path in the spec"))
        #expect(lines.last == "2 passed, 1 failed")
    }

    @Test("a wrong Content-Type and a body on a 204 fail")
    func contentTypes() throws {
        let r = try ConformanceScript.run(log: [
            #"{"method":"GET","path":"/v3/workflow_templates","status":200,"content_type":"text/plain","body":null}"#,
            #"{"method":"DELETE","path":"/v3/webhooks/00000000-0000-4000-8000-000000000001","status":204,"content_type":"application/json","body":{}}"#,
            #"{"method":"DELETE","path":"/v3/webhooks/00000000-0000-4000-8000-000000000001","status":204,"content_type":null,"body":null}"#,
        ])
        #expect(r.status == 1)
        #expect(r.output.contains("FAIL GET /v3/workflow_templates 200: $: Content-Type text/plain, the spec says application/json\n"))
        #expect(r.output.contains("FAIL DELETE /v3/webhooks/{webhookId} 204: $: a body where the spec declares none\n"))
        #expect(r.output.hasSuffix("1 passed, 2 failed\n"))
    }

    static let workspace = #"{"id":"5a1d0c1e-0000-4000-8000-00000000d3f0","name":"Default","external_name":null,"default":true,"created_at":"2025-01-01T00:00:00+00:00","updated_at":"2025-01-01T00:00:00+00:00","deleted_at":null,"users":[]}"#

    @Test("nulls pass only where the schema says nullable: true; a null under an undeclared key fails")
    func strictNulls() throws {
        let get = #""method":"GET","path":"/v3/workspaces/5a1d0c1e-0000-4000-8000-00000000d3f0","status":200,"content_type":"application/json""#
        let notNullable = Self.workspace.replacingOccurrences(of: #""name":"Default""#, with: #""name":null"#)
        let undeclared = Self.workspace.replacingOccurrences(of: #""users":[]"#, with: #""users":[{"id":"5a1d0c1e-0000-4000-8000-00000000d3f1","ghost":null}],"legacy":null"#)
        let r = try ConformanceScript.run(log: [
            #"{\#(get),"body":\#(Self.workspace)}"#, #"{\#(get),"body":\#(notNullable)}"#, #"{\#(get),"body":\#(undeclared)}"#,
        ])
        #expect(r.status == 1, "\(r.output)")
        let lines = r.output.split(separator: "\n").map(String.init)
        #expect(lines.contains("FAIL GET /v3/workspaces/{workspaceId} 200: $.name: null where the spec does not allow it (no nullable: true)"))
        #expect(lines.contains("FAIL GET /v3/workspaces/{workspaceId} 200: $.legacy: null under a key the spec does not declare"))
        #expect(lines.contains("FAIL GET /v3/workspaces/{workspaceId} 200: $.users[0].ghost: null under a key the spec does not declare"))
        #expect(lines.last == "1 passed, 2 failed")
    }

    @Test("without the spec the check is skipped, loudly, not failed")
    func skipped() throws {
        let r = try ConformanceScript.run(log: [], spec: "/nonexistent/openapi-v3.yml")
        #expect(r.status == 0)
        #expect(r.output == """
            conformance: SKIPPED: /nonexistent/openapi-v3.yml not found
            conformance: the emulator's responses were NOT checked against Yousign's OpenAPI spec (put the spec there, or pass --spec PATH)

            """)
    }

    @Test("without the spec, --require-spec (scripts/test under CI) fails the check")
    func requiredUnderCI() throws {
        let r = try ConformanceScript.run(log: [], spec: "/nonexistent/openapi-v3.yml", extra: ["--require-spec"])
        #expect(r.status == 1)
        #expect(r.output.hasPrefix("conformance: FAILED: /nonexistent/openapi-v3.yml not found, and --require-spec says the check must run"))
    }
}

enum ConformanceScript {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let spec = root.deletingLastPathComponent().appendingPathComponent("shared/yousign/openapi-v3.yml")

    /// python3 with the validator, and the spec beside the repository.
    static let available: Bool = {
        guard FileManager.default.fileExists(atPath: spec.path) else { return false }
        return (try? python(["-c", "import yaml, jsonschema, openapi_schema_validator"]).status) == 0
    }()

    static func run(log lines: [String], spec: String? = nil, extra: [String] = []) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-\(UUID().uuidString).jsonl")
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var args = [root.appendingPathComponent("scripts/conformance.py").path, file.path]
        if let spec { args += ["--spec", spec] }
        return try python(args + extra)
    }

    static func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
