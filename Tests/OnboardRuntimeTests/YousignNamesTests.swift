import Foundation
import LuaKit
import Testing
@testable import OnboardRuntime

/// Typos in the yousign module (stdlib/yousign/names.lua): a misspelt name or a `:` for a `.`
/// is an error that names the right one, at the script's own line.
@Suite("The yousign module's messages for misspelt names and colon calls")
struct YousignNamesTests {
    /// The error `code` (chunk `@flow.lua`) ends with.
    func failure(_ code: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> LuaError? {
        let outcome = await runFlow(code, host: try FlowFixture().host)
        #expect(outcome.error != nil, "no error from \(code)", sourceLocation: sourceLocation)
        return outcome.error
    }

    @Test("a misspelt name says which names are close, at the line that reads it", arguments: [
        ("local x = 1\nyousign.signature_request.create{}",
         "flow.lua:2: no `yousign.signature_request`; did you mean `yousign.signature_requests`?", 2),
        ("yousign.signature_requests.creat{ name = 'A' }",
         "flow.lua:1: no `yousign.signature_requests.creat`; did you mean `yousign.signature_requests.create`?", 1),
        ("local function go()\n  return yousign.signature_requests.documents.fields.craete('sr', 'doc', {})\nend\ngo()",
         "flow.lua:2: no `yousign.signature_requests.documents.fields.craete`; did you mean `yousign.signature_requests.documents.fields.create`?", 2),
        ("yousign.workflowSessions.list()",
         "flow.lua:1: no `yousign.workflowSessions`; did you mean `yousign.workflow_sessions`?", 1),
        ("emulator.sing('sr', 'signer')", "flow.lua:1: no `emulator.sing`; did you mean `emulator.sign`?", 1),
    ])
    func misspeltNames(_ code: String, _ message: String, _ line: Int) async throws {
        let error = try await failure(code)
        #expect(error?.message == message)
        #expect(error?.location == .init(source: "flow.lua", line: line))
    }

    @Test("a name far from every real one lists a few of them")
    func nothingClose() async throws {
        let error = try await failure("\n\nyousign.frobnicate()")
        #expect(error?.message.hasPrefix("flow.lua:3: no `yousign.frobnicate`; `yousign` has archives, backend, consumptions, contacts, ") == true,
                "\(error?.message ?? "")")
        #expect(error?.message.hasSuffix(" more") == true, "\(error?.message ?? "")")
        let odd = try await failure("return yousign.signature_requests['a\\27[2Jb']")
        #expect(odd?.message.hasPrefix("flow.lua:1: no `yousign.signature_requests[\"a\\27[2Jb\"]`; `yousign.signature_requests` has activate, ") == true,
                "\(odd?.message ?? "")")
    }

    @Test("a colon call says to use a dot, at the calling line", arguments: [
        ("yousign.signature_requests:list()", "`yousign.signature_requests:list(...)` called with `:`; use `.`: `yousign.signature_requests.list(...)`"),
        ("for sr in yousign.signature_requests:each() do end", "`yousign.signature_requests:each(...)` called with `:`; use `.`: `yousign.signature_requests.each(...)`"),
        ("yousign.signature_requests.documents:list('00000000-0000-4000-8000-000000000001')",
         "`yousign.signature_requests.documents:list(...)` called with `:`; use `.`: `yousign.signature_requests.documents.list(...)`"),
        ("yousign:request{ path = '/workflow_templates' }", "`yousign:request(...)` called with `:`; use `.`: `yousign.request(...)`"),
        ("emulator:sign('sr', 'signer')", "`emulator:sign(...)` called with `:`; use `.`: `emulator.sign(...)`"),
    ])
    func colonCalls(_ code: String, _ message: String) async throws {
        let error = try await failure("local x = 1\n" + code)
        #expect(error?.message == "flow.lua:2: " + message)
        #expect(error?.location == .init(source: "flow.lua", line: 2))
    }

    @Test("the real names still work, are listed raw, and other keys stay nil")
    func realNamesUnchanged() async throws {
        let outcome = await runFlow("""
            assert(yousign.is_error(select(2, pcall(yousign.workflow_sessions.get, "00000000-0000-4000-8000-00000000ffff"))))
            assert(not yousign.is_error("text"))
            assert(yousign.backend == "embedded emulator (in memory)", yousign.backend)
            assert(type(yousign.now()) == "number" and type(emulator.now()) == "number")
            assert(#yousign.request{ path = "/workflow_templates" }.data == 3)
            assert(yousign.wait(function() return 1 end, function(v) return v == 1 end) == 1)
            yousign.signature_requests.create{ name = "A", delivery_mode = "none" }
            local n = 0
            for _ in yousign.signature_requests.each() do n = n + 1 end
            assert(n == 1)
            assert(yousign[1] == nil and yousign.signature_requests[true] == nil)
            for _ in ipairs(yousign) do error("no items") end
            assert(#yousign == 0 and #yousign.signature_requests == 0)
            assert(rawget(yousign, "signature_request") == nil)
            local keys = {}
            for k in pairs(yousign.signature_requests.documents.fields) do keys[#keys + 1] = k end
            table.sort(keys)
            print(table.concat(keys, " "))
            local ok, message = pcall(function() return yousign.workflow_template end)
            print(ok, message)
            """, host: try FlowFixture().host)
        #expect(outcome.error == nil, "\(outcome.error?.message ?? "")")
        #expect(outcome.output == """
            answer create delete each list update
            false\tflow.lua:19: no `yousign.workflow_template`; did you mean `yousign.workflow_templates`?

            """)
    }

    @Test("the host's read-only tables still refuse writes; the module stays the script's own")
    func writes() async throws {
        let outcome = await runFlow("""
            print(pcall(function() json.decode = print end))
            print(pcall(rawset, json, "encode", print))
            print(pcall(function() env.get = print end))
            yousign.signature_requests.extra = 1
            print(yousign.signature_requests.extra)
            """, host: try FlowFixture().host)
        #expect(outcome.error == nil, "\(outcome.error?.message ?? "")")
        #expect(outcome.output.split(separator: "\n").map(String.init) == [
            "false\tflow.lua:1: attempt to modify a read-only host table",
            "false\tattempt to modify a read-only host table",
            "false\tflow.lua:3: attempt to modify a read-only host table",
            "1",
        ])
    }

    @Test("REPL completion lists the real names at every depth, before and after a typo")
    func completion() async throws {
        let fixture = try FlowFixture()
        let (before, typo, after, top) = await withCheckedContinuation { continuation in
            Thread {
                let run = ScriptRun(script: nil, limits: LuaLimits(time: .seconds(60)), stdlibFolder: stdlib, output: { _ in }, host: fixture.host)
                let result = try? LuaThread.run { () -> (ReplCompletion, ReplOutcome, ReplCompletion, ReplCompletion) in
                    let session = try ReplSession(run)
                    defer { session.close() }
                    let before = session.complete("yousign.signature_requests.documents.fields.")
                    let typo = session.evaluate("fields = yousign.signature_requests.documents.feilds", chunkName: "=stdin", color: false, file: false)
                    return (before, typo, session.complete("yousign.signature_requests.documents.fields.cr"), session.complete("emulator.si"))
                }
                continuation.resume(returning: result ?? (.none, .value(""), .none, .none))
            }.start()
        }
        #expect(before.candidates == ["answer", "create", "delete", "each", "list", "update"], "\(before)")
        guard case .failed(let error) = typo else { Issue.record("no error: \(typo)"); return }
        #expect(error.message == "stdin:1: no `yousign.signature_requests.documents.feilds`; did you mean `yousign.signature_requests.documents.fields`?")
        #expect(after.candidates == ["create"], "\(after)")
        #expect(top.candidates == ["sign"], "\(top)")
    }
}
