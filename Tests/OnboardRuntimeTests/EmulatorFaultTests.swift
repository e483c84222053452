import Foundation
import JSONCodec
import Testing
@testable import OnboardRuntime

@Suite("emulator.faults from Lua")
struct EmulatorFaultTests {
    static let template = "7e3b1f00-0000-4000-8000-00000000c0b0"

    func run(_ source: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let outcome = await runFlow(source, host: try FlowFixture().host)
        #expect(outcome.error == nil, "\(outcome.error?.message ?? "")\n\(outcome.error?.traceback ?? "")", sourceLocation: sourceLocation)
        return outcome.output
    }

    @Test("a 503 rule fails the next POST with the API error table; the one after succeeds")
    func statusFault() async throws {
        let out = try await run("""
            local rules = emulator.faults{ method = "POST", path = "/workflow_sessions", status = 503, count = 1 }
            print(#rules, rules[1].id, rules[1].method, rules[1].path, rules[1].status, rules[1].remaining, rules[1].drop)
            local session = { workflow_template_id = "\(Self.template)", name = "Kelly Smith" }
            local ok, err = pcall(yousign.workflow_sessions.create, session)
            print(ok, yousign.is_error(err), err.status, err.type, err.method, err.path)
            print(#yousign.workflow_sessions.list().data)
            print(yousign.workflow_sessions.create(session).status, #emulator.faults())
            """)
        #expect(out == """
            1\t1\tPOST\t/workflow_sessions\t503\t1\tnil
            false\ttrue\t503\tabout:blank\tPOST\t/v3/workflow_sessions
            0
            awaiting\t0

            """)
    }

    @Test("a GET that meets two 503s is retried and succeeds: the way to test a flow's retries")
    func retriedGet() async throws {
        let out = try await run("""
            emulator.faults{ path = "/workflow_templates", status = 503, count = 2 }
            print(#yousign.workflow_templates.list().data, #emulator.faults())
            """)
        #expect(out == "3\t0\n")
    }

    @Test("a drop creates the session and loses the answer: a transport error the client does not retry")
    func dropFault() async throws {
        let out = try await run("""
            local rules = emulator.faults{ drop = true, method = "POST", path = "/workflow_sessions" }
            print(rules[1].drop, rules[1].status)
            local ok, err = pcall(yousign.workflow_sessions.create, { workflow_template_id = "\(Self.template)", name = "Kelly Smith" })
            print(ok, err.type, err.status, err.detail)
            print(#yousign.workflow_sessions.list().data)
            """)
        #expect(out == """
            true\tnil
            false\ttransport.error\tnil\tthe embedded emulator closed the connection before the response came (a drop fault)
            1

            """)
    }

    @Test("faults() lists, clear_faults() removes every rule")
    func listAndClear() async throws {
        let out = try await run("""
            emulator.faults{ path = "/workflow_templates", status = 500, count = 3 }
            emulator.faults{ path = "/signature_requests/*", status = 429, retry_after = 2 }
            local rules = emulator.faults()
            print(#rules, rules[1].remaining, rules[2].path, rules[2].retry_after)
            print(emulator.clear_faults(), #emulator.faults())
            print(#yousign.workflow_templates.list().data)
            """)
        #expect(out == "2\t3\t/signature_requests/*\t2\ntrue\t0\n3\n")
    }

    @Test("a bad rule raises the emulator's 400 naming the field; a non-table is an argument error")
    func badRule() async throws {
        let out = try await run("""
            local ok, err = pcall(emulator.faults, { path = "/workflow_templates", status = 404 })
            print(ok, err.status, err.type, err.invalid_params[1].name)
            print(pcall(function() emulator.faults("/workflow_templates") end))
            print(select(2, pcall(function() emulator.faults{ path = "/x", status = 503, hook = print } end)))
            """)
        #expect(out == """
            false\t400\tvalidation.error\tstatus
            false\tflow.lua:3: emulator.faults: a table (the fault rule) expected, got string
            flow.lua:4: emulator.faults: rule.hook is a function, which JSON cannot hold

            """)
    }

    @Test("the worker carries the fault actions across its pipe")
    func workerMessages() throws {
        let rule: JSONValue = ["path": "/workflow_sessions", "status": 503, "count": 2]
        for action in [ControlAction.faults(rule), .listFaults, .clearFaults] {
            #expect(try WorkerMessages.decodeAction(WorkerMessages.encode(action)) == action)
        }
        #expect(WorkerMessages.encode(ControlAction.listFaults)["action"] == "list_faults")
    }
}
