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

    /// A library in `@lib/` raises on behalf of its caller; the kill case loops inside it.
    static let library = "function check(v) if not v then error('check failed') end end\nfunction spin() while true do end end"

    /// Runs `script` (chunk `@flow.lua`) after loading `library` as `libraryChunk`.
    func location(hiding prefixes: [String], libraryChunk: String = "@lib/check.lua", _ script: String,
                  limits: LuaLimits = .none) throws -> LuaError? {
        try LuaThread.run {
            let state = try LuaState(limits: limits, hiddenChunkPrefixes: prefixes)
            defer { state.close() }
            try state.execute(Self.library, chunkName: libraryChunk)
            return caught { try state.execute(script, chunkName: "@flow.lua") }
        }
    }

    @Test("an error raised inside a hidden library is located at the script line that called it")
    func hiddenLibraryFrames() throws {
        let script = "local x = 1\ncheck(false)"
        let hidden = try location(hiding: ["@lib/"], script)
        #expect(hidden?.location == .init(source: "flow.lua", line: 2))
        #expect(hidden?.message == "lib/check.lua:1: check failed")
        // nothing is hidden by default, not even another program's library folder
        #expect(try location(hiding: [], script)?.location == .init(source: "lib/check.lua", line: 1))
        #expect(try location(hiding: ["@stdlib/"], script)?.location == .init(source: "lib/check.lua", line: 1))
        // a prefix is matched on the chunk name as given (with its @)
        #expect(try location(hiding: ["@vendor/"], libraryChunk: "@vendor/check.lua", script)?.location
                == .init(source: "flow.lua", line: 2))
    }

    @Test("a limit that fires inside a hidden library is located at the script line that called it")
    func hiddenLibraryKill() throws {
        let limits = LuaLimits(time: .milliseconds(100))
        let hidden = try location(hiding: ["@lib/"], "local x = 1\n\nspin()", limits: limits)
        #expect(hidden?.status == .limit(.time))
        #expect(hidden?.location == .init(source: "flow.lua", line: 3))
        let shown = try location(hiding: [], "local x = 1\n\nspin()", limits: limits)
        #expect(shown?.location == .init(source: "lib/check.lua", line: 2))
    }

    @Test("the hidden prefixes can change between runs of one state")
    func hiddenPrefixesChange() throws {
        let (before, after) = try LuaThread.run { () -> (LuaError.Location?, LuaError.Location?) in
            let state = try LuaState()
            defer { state.close() }
            try state.execute(Self.library, chunkName: "@lib/check.lua")
            let before = caught { try state.execute("check(false)", chunkName: "@flow.lua") }?.location
            state.hiddenChunkPrefixes = ["@other/", "@lib/"]
            let after = caught { try state.execute("check(false)", chunkName: "@flow.lua") }?.location
            return (before, after)
        }
        #expect(before == .init(source: "lib/check.lua", line: 1))
        #expect(after == .init(source: "flow.lua", line: 1))
    }
}
