import Foundation
import LuaKit
import Testing

@Suite("Limits fire, cannot be caught, and are reported from the host's flag")
struct LimitTests {
    static let time = LuaLimits(time: .milliseconds(200))

    @Test("the time limit stops loops, however the script tries to survive", arguments: [
        "while true do end",
        "while true do pcall(function() while true do end end) end",
        "xpcall(function() while true do end end, function() while true do end end)",
        "while true do xpcall(function() while true do end end, function(m) return m end) end",
        "xpcall(function() error('x') end, function() while true do end end)",
        "local co = coroutine.wrap(function() while true do end end) while true do pcall(co) end",
        "while true do pcall(coroutine.wrap(function() while true do end end)) end",
        "while true do coroutine.resume(coroutine.create(function() while true do end end)) end",
        "do local x <close> = setmetatable({}, {__close = function() while true do end end}) while true do end end",
        "while true do pcall(function() local x <close> = setmetatable({}, {__close = function() while true do end end}) error('e') end) end",
        "local t = setmetatable({}, {__index = function() while true do end end}) while true do pcall(function() return t.x end) end",
        "while true do pcall(string.gsub, 'aaaa', 'a', function() while true do end end) end",
        "while true do pcall(table.sort, {3, 2, 1}, function() while true do end end) end",
        "while true do local ok = pcall(error, setmetatable({}, {__tostring = function() while true do end end})) end",
        "while true do coroutine.wrap(function() for i = 1, 900 do end end)() end",
    ])
    func timeLimit(_ source: String) throws {
        let started = ContinuousClock.now
        let error = try failure(source, limits: Self.time)
        #expect(error.status == .limit(.time))
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test("an error handler that loops after the kill cannot keep the run alive")
    func tostringAfterKill() throws {
        let error = try failure("error(setmetatable({}, {__tostring = function() while true do end end}))", limits: Self.time)
        #expect(error.status == .limit(.time))
    }

    @Test("the memory limit stops allocation and pcall cannot swallow it", arguments: [
        "local t = {} for i = 1, 1e8 do t[i] = i end",
        "local s = ('x'):rep(100 * 1024 * 1024)",
        "while true do pcall(function() local t = {} for i = 1, 1e8 do t[i] = i end end) end",
        "local parts = {} while true do parts[#parts + 1] = tostring(#parts) .. ('y'):rep(1000) end",
        "local co = coroutine.wrap(function() local t = {} for i = 1, 1e8 do t[i] = {} end end) while true do pcall(co) end",
    ])
    func memoryLimit(_ source: String) throws {
        let error = try failure(source, limits: LuaLimits(memory: 8 << 20, time: .seconds(20)))
        #expect(error.status == .limit(.memory))
    }

    @Test("the instruction limit counts, charges coroutines, and is sticky", arguments: [
        "while true do end",
        "while true do pcall(function() while true do end end) end",
        "while true do coroutine.wrap(function() for i = 1, 900 do end end)() end",
        "local co = coroutine.wrap(function() while true do end end) while true do pcall(co) end",
    ])
    func instructionLimit(_ source: String) throws {
        let error = try failure(source, limits: LuaLimits(instructions: 2_000_000, time: .seconds(30)))
        #expect(error.status == .limit(.instructions))
    }

    @Test("the instruction limit lets a script under it finish")
    func underInstructionLimit() throws {
        #expect(try run("local n = 0 for i = 1, 1000 do n = n + i end return n", limits: LuaLimits(instructions: 1_000_000)) == [500500])
    }

    @Test("the output limit caps bytes exactly and stops the script")
    func outputLimit() throws {
        let output = Output()
        let error = try failure("while true do pcall(print, ('x'):rep(100)) end", limits: LuaLimits(output: 1000), output: output)
        #expect(error.status == .limit(.output))
        #expect(output.count == 1000)
    }

    @Test("print writes tab-separated values and a newline through the host")
    func printOutput() throws {
        let output = Output()
        _ = try withState(output: output) { try $0.execute("print(1, 'two', nil, 2.5, true)", chunkName: "=t") }
        #expect(output.text == "1\ttwo\tnil\t2.5\ttrue\n")
    }

    @Test("cancel from another thread stops the script")
    func cancel() throws {
        let error = try withState { state -> LuaError? in
            let canceller = state.canceller
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(100)) { canceller.cancel() }
            return caught { try state.execute("while true do pcall(function() while true do end end) end", chunkName: "=t") }
        }
        #expect(error?.status == .limit(.cancelled))
    }

    @Test("the kill's location is the script line that was running")
    func location() throws {
        let error = try withState(limits: Self.time) { state in
            caught { try state.execute("local x = 1\nwhile true do\n  x = x + 1\nend", chunkName: "@spin.lua") }
        }
        #expect(error?.location?.source == "spin.lua")
        #expect((2...3).contains(error?.location?.line ?? 0))
    }

    @Test("a state can run again after a cancel (the REPL's Ctrl-C)")
    func runAfterCancel() throws {
        let results = try withState { state -> [LuaValue] in
            let canceller = state.canceller
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(50)) { canceller.cancel() }
            _ = caught { try state.execute("x = 41 while true do end", chunkName: "=t") }
            return try state.execute("return x + 1", chunkName: "=t")
        }
        #expect(results == [42])
    }
}
