import LuaKit
import Testing

@Suite("Errors: one struct with status, message, traceback and location")
struct ErrorTests {
    @Test("a syntax error has status syntax and the line")
    func syntax() throws {
        let error = try withState { state -> LuaError? in
            return caught { try state.execute("local a = 1\nlocal = 2", chunkName: "@flow.lua") }
        }
        #expect(error?.status == .syntax)
        #expect(error?.message == "flow.lua:2: <name> expected near '='")
        #expect(error?.location == .init(source: "flow.lua", line: 2))
    }

    @Test("a runtime error has its message, location and a traceback without host frames")
    func runtime() throws {
        let error = try withState { state -> LuaError? in
            caught { try state.execute("local function inner() error('no template') end\nlocal function outer() inner() end\nouter()", chunkName: "@flow.lua") }
        }
        #expect(error?.status == .runtime)
        #expect(error?.message == "flow.lua:1: no template")
        #expect(error?.location == .init(source: "flow.lua", line: 1))
        #expect(error?.traceback == """
            stack traceback:
            \t[C]: in global 'error'
            \tflow.lua:1: in upvalue 'inner'
            \tflow.lua:2: in local 'outer'
            \tflow.lua:3: in main chunk
            """)
    }

    @Test("a non-string error object is described, honouring __tostring, at the line that raised it")
    func errorObjects() throws {
        #expect(try failure("error({code = 1})").message == "(error object is a table value)")
        // an error object carries no position: the report adds the raising line, as `error` does for strings
        #expect(try failure("error(setmetatable({}, {__tostring = function() return 'custom' end}))").message == "test:1: custom")
        #expect(try failure("error(nil)").message == "(error object is a nil value)")
    }

    @Test("catch by status pattern")
    func patterns() throws {
        var matched = false
        do {
            try withState { try $0.execute("x = = 1", chunkName: "=t") }
        } catch LuaError.syntax {
            matched = true
        }
        #expect(matched)
    }

    @Test("a script that fakes a limit message is still a runtime error")
    func fakeLimit() throws {
        let error = try failure("error('script stopped: time limit exceeded')", limits: LuaLimits(time: .seconds(10)))
        #expect(error.status == .runtime)
    }

    @Test("binary chunks are refused with a clear message")
    func binary() throws {
        let error = try withState { state -> LuaError? in
            return caught { try state.execute([0x1B, 0x4C, 0x75, 0x61, 0x54, 0x00], chunkName: "@flow.luac") }
        }
        #expect(error?.status == .syntax)
        #expect(error?.message == "flow.luac: precompiled (binary) chunks are not accepted; run the .lua source instead")
    }

    @Test("a shebang line is skipped and line numbers stay right")
    func shebang() throws {
        let error = try withState { state -> LuaError? in
            return caught { try state.execute("#!/usr/bin/env onboard\nerror('x')", chunkName: "@s.lua") }
        }
        #expect(error?.message == "s.lua:2: x")
    }
}
