import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `onboard test`: the runner of flows' tests, as a team runs it in CI.
@Suite("onboard test") struct TestCommandTests {
    @Test("the seed flow's tests in tests/ pass through onboard test (scripts/test runs them here)")
    func seedFlowTests() async throws {
        try await withMachineToMyself {
            let result = try await CLI.onboardAsync(["test", "--allow-read=examples/files", "tests/"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("ok   tests/onboarding_test.lua  ......"), "\(result.stdout)")
            #expect(result.stdout.contains("ok   tests/examples_test.lua  .......") && result.stdout.contains("16 passed, 0 failed in 2 files"), "\(result.stdout)")
        }
    }

    @Test("the benchmark's 50 tests of the seed flow's branches pass, each on its own emulator")
    func branches() async throws {
        try await withMachineToMyself {
            let result = try await CLI.onboardAsync(["test", "--allow-read=examples/files", "scripts/bench/flow_tests/"])
            #expect(result.status == 0 && result.stdout.contains("50 passed, 0 failed in 1 file"), "\(result.stdout)")
        }
    }

    static let sample = """
        describe("arithmetic", function()
          it("adds", function() expect(1 + 1).to_be(2) end)
          it("compares tables", function()
            expect({ status = "done", groups = { "identity", "signature" } }).to_equal({ status = "done", groups = { "identity", "contract" } })
          end)
          pending("divides by zero")
          it("fails with a pattern", function()
            expect(function() error("no such session") end).to_fail_with("no such")
          end)
        end)
        """

    @Test("a failing expectation prints the test's line, the expectation and the diff; exit 1; pending tests are counted")
    func failuresAndDiffs() async throws {
        let folder = try TempFolder(text: ["math_test.lua": Self.sample])
        let result = try await CLI.onboardAsync(["test", "."], in: folder.url)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("FAIL math_test.lua  .F-.  (4 tests, 1 failed"), "\(result.stdout)")
        #expect(result.stdout.contains("--- FAIL: arithmetic compares tables  (math_test.lua:3)"))
        #expect(result.stdout.contains("  at math_test.lua:4"))
        #expect(result.stdout.contains(#"value.groups[2]: expected "contract", got "signature""#), "\(result.stdout)")
        #expect(result.stdout.contains("2 passed, 1 failed, 1 pending in 1 file"))
        let filtered = try await CLI.onboardAsync(["test", "--filter", "adds", "."], in: folder.url)
        #expect(filtered.status == 0 && filtered.stdout.contains("1 passed, 0 failed"), "\(filtered)")
        let listed = try await CLI.onboardAsync(["test", "--list", "."], in: folder.url)
        #expect(listed.stdout == "math_test.lua:2  arithmetic adds\nmath_test.lua:3  arithmetic compares tables\nmath_test.lua:6  arithmetic divides by zero  (pending)\nmath_test.lua:7  arithmetic fails with a pattern\n", "\(listed)")
    }

    @Test("--json: a line per test and a summary; --junit: XML with a suite per file, the failure's message and details")
    func machineReadable() async throws {
        let folder = try TempFolder(text: ["math_test.lua": Self.sample])
        let junit = folder.url.appendingPathComponent("report.xml").path
        let result = try await CLI.onboardAsync(["test", "--json", "--junit", junit, "."], in: folder.url)
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 5)
        #expect(lines.last?["summary"] as? Bool == true && lines.last?["failed"] as? Int == 1 && lines.last?["pending"] as? Int == 1)
        #expect(lines.contains { $0["status"] as? String == "failed" && ($0["diff"] as? String ?? "").contains("value.groups[2]") })
        let xml = try XMLDocument(contentsOf: URL(fileURLWithPath: junit))
        let suites = try xml.nodes(forXPath: "/testsuites/testsuite")
        #expect(suites.count == 1)
        #expect(try xml.nodes(forXPath: "//testcase").count == 4)
        #expect(try xml.nodes(forXPath: "//testcase/failure").count == 1 && xml.nodes(forXPath: "//testcase/skipped").count == 1)
        let failure = try #require(try xml.nodes(forXPath: "//failure").first as? XMLElement)
        #expect(failure.attribute(forName: "message")?.stringValue?.contains("expected a value equal to") == true)
        #expect(failure.stringValue?.contains("at math_test.lua:4") == true)
    }

    @Test("each test has its own emulator: what one leaves, another never sees, in whatever order they run")
    func isolation() async throws {
        try await withMachineToMyself {
            let folder = try TempFolder(text: ["state_test.lua": """
                for i = 1, 8 do
                  it("makes one session (" .. i .. ")", function()
                    expect(#yousign.workflow_sessions.list().data).to_be(0)
                    local t = yousign.workflow_templates.list().data[1]
                    yousign.workflow_sessions.create{ workflow_template_id = t.id, name = "left behind " .. i }
                    emulator.advance(86400)
                    expect(#yousign.workflow_sessions.list().data).to_be(1)
                  end)
                end
                """])
            let result = try await CLI.onboardAsync(["test", "--concurrency", "4", "."], in: folder.url)
            #expect(result.status == 0 && result.stdout.contains("8 passed, 0 failed"), "\(result)")
        }
    }

    @Test("a test that escapes (an ungranted file, an endless loop) gets run's sandbox answers as a failure, and the runner goes on")
    func sandbox() async throws {
        try await withMachineToMyself {
            let folder = try TempFolder(text: ["escape_test.lua": """
                it("reads a file it was not granted", function()
                  yousign.verifications.identity_documents.create{ file = "/etc/passwd", first_name = "K", last_name = "S" }
                end)
                it("loops forever", function() while true do end end)
                it("goes on", function() expect(io).to_be(nil) end)
                """])
            let result = try await CLI.onboardAsync(["test", "--time-limit", "2s", "."], in: folder.url)
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout.contains("FAIL escape_test.lua  FF.  (3 tests, 2 failed"), "\(result.stdout)")
            #expect(result.stdout.contains("read access to '/etc/passwd' is not granted"), "\(result.stdout)")
            #expect(result.stdout.contains("time limit exceeded (--time-limit 2s)"), "\(result.stdout)")
        }
    }

    @Test("usage: no test file, a path that does not exist (exit 2); a file that does not load fails with its line (exit 1)")
    func usage() async throws {
        let empty = try TempFolder()
        let none = try await CLI.onboardAsync(["test", "."], in: empty.url)
        #expect(none.status == 2 && none.stderr.contains("no *_test.lua file under ."), "\(none)")
        let missing = try await CLI.onboardAsync(["test", "nowhere"], in: empty.url)
        #expect(missing.status == 2 && missing.stderr.contains("nowhere: no such file or folder"), "\(missing)")
        let broken = try TempFolder(text: ["broken_test.lua": "it('x', function()\n  expect(1).to_be(1)\nend\n"])
        let result = try await CLI.onboardAsync(["test", "."], in: broken.url)
        #expect(result.status == 1 && result.stdout.contains("broken_test.lua:"), "\(result)")
    }
}

@Suite("onboard types") struct TypesCommandTests {
    @Test("writes the LuaLS files and points .luarc.json at them, keeping what a .luarc.json had")
    func writesTypes() async throws {
        let folder = try TempFolder(text: [".luarc.json": #"{"diagnostics.disable": ["lowercase-global"], "workspace.library": ["vendor"]}"#])
        let result = try await CLI.onboardAsync(["types", "--out", "types"], in: folder.url)
        #expect(result.status == 0, "\(result)")
        for file in ["yousign.lua", "emulator.lua", "onboard.lua"] {
            let text = try String(contentsOf: folder.url.appendingPathComponent("types/" + file), encoding: .utf8)
            #expect(text.hasPrefix("---@meta "), "\(file)")
        }
        let yousign = try String(contentsOf: folder.url.appendingPathComponent("types/yousign/signature_requests.lua"), encoding: .utf8)
        #expect(yousign.contains("---`POST /v3/signature_requests`\n---@param params? yousign.CreateSignatureRequest\n---@return yousign.SignatureRequest\nfunction yousign.signature_requests.create(params) end"))
        let luarc = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.url.appendingPathComponent(".luarc.json"))) as? [String: Any])
        #expect(luarc["workspace.library"] as? [String] == ["vendor", "types"])
        #expect(luarc["diagnostics.disable"] as? [String] == ["lowercase-global"])
        #expect(luarc["runtime.version"] as? String == "Lua 5.4")
        let again = try await CLI.onboardAsync(["types", "--out", "types"], in: folder.url)
        #expect(again.status == 0)
        let after = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.url.appendingPathComponent(".luarc.json"))) as? [String: Any])
        #expect(after["workspace.library"] as? [String] == ["vendor", "types"], "not added twice")
    }
}
