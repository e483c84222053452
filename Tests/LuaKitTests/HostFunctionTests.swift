import LuaKit
import Synchronization
import Testing

@Suite("Swift closures called from Lua")
struct HostFunctionTests {
    @Test("arguments arrive typed and results come back")
    func call() throws {
        let results = try withState { state -> [LuaValue] in
            try state.setGlobal("add", .hostFunction(LuaHostFunction { args in [.integer(try args.integer(0) + args.integer(1))] }))
            try state.setGlobal("echo", .hostFunction(LuaHostFunction { args in try args.values() }))
            return try state.execute("return add(40, 2), echo(1, 'two', nil, {3})", chunkName: "=t")
        }
        #expect(results == [42, 1, "two", .nil, [3]])
    }

    @Test("integer arguments follow luaL_checkinteger: integral floats and numeric strings count")
    func integerArguments() throws {
        let results = try withState { state -> [LuaValue] in
            try state.setGlobal("add", .hostFunction(LuaHostFunction.pushing { args in
                args.push(integer: try args.integer(0) + args.integer(1))
                return 1
            }))
            return try state.execute("return add('40', 2.0), select(2, pcall(add, 1.5, 1)), select(2, pcall(add, 'x', 1))", chunkName: "=t")
        }
        #expect(results == [42, "bad argument #1 (integer expected, got number)", "bad argument #1 (integer expected, got string)"])
    }

    @Test("a thrown Swift error becomes a Lua error that pcall catches, and the Swift defer runs")
    func thrownError() throws {
        let deferRan = Mutex(false)
        struct Boom: Error, CustomStringConvertible { var description: String { "boom from Swift" } }
        let results = try withState { state -> [LuaValue] in
            try state.setGlobal("fail", .hostFunction(LuaHostFunction { _ in
                defer { deferRan.withLock { $0 = true } }
                throw Boom()
            }))
            return try state.execute("local ok, err = pcall(fail) return ok, err", chunkName: "=t")
        }
        #expect(results == [false, "boom from Swift"])
        #expect(deferRan.withLock { $0 })
    }

    @Test("an uncaught host error fails the run with the message and a traceback")
    func uncaught() throws {
        let error = try withState { state -> LuaError? in
            try state.setGlobal("fail", .hostFunction(LuaHostFunction { args in
                throw args.bad(0, "string")
            }))
            return caught { try state.execute("local x = 1\nfail(42)", chunkName: "@flow.lua") }
        }
        #expect(error?.message == "bad argument #1 (string expected, got number)")
        #expect(error?.location == .init(source: "flow.lua", line: 2))
        #expect(error?.traceback?.contains("flow.lua:2: in main chunk") == true)
    }

    @Test("LuaRaise raises a table that pcall receives as a table")
    func raiseTable() throws {
        let results = try withState { state -> [LuaValue] in
            try state.setGlobal("api", .hostFunction(LuaHostFunction { _ in
                throw LuaRaise(["status": 404, "type": "resource.not_found"])
            }))
            return try state.execute("local ok, e = pcall(api) return ok, type(e), e.status, e.type", chunkName: "=t")
        }
        #expect(results == [false, "table", 404, "resource.not_found"])
    }

    @Test("a pushing host function returns values without building them in Swift first")
    func pushing() throws {
        let results = try withState { state -> [LuaValue] in
            try state.setGlobal("pair", .hostFunction(LuaHostFunction.pushing({ args in
                try args.push(.integer(try args.integer(0) * 2))
                try args.push("done")
                return 2
            })))
            return try state.execute("return pair(21)", chunkName: "=t")
        }
        #expect(results == [42, "done"])
    }

    @Test("host functions work from inside coroutines")
    func inCoroutine() throws {
        let results = try withState { state -> [LuaValue] in
            try state.setGlobal("twice", .hostFunction(LuaHostFunction { args in [.integer(try args.integer(0) * 2)] }))
            return try state.execute("""
                local co = coroutine.wrap(function(x) local y = coroutine.yield(twice(x)) return twice(y) end)
                return co(5), co(7)
                """, chunkName: "=t")
        }
        #expect(results == [10, 14])
    }

    @Test("the boxed closure is released when the state closes")
    func releasedOnClose() throws {
        let probe = WeakProbe()
        try withState { state in
            let token = Token()
            probe.object = token
            try state.setGlobal("f", .hostFunction(LuaHostFunction { _ in _ = token; return [] }))
        }
        #expect(probe.object == nil)
    }

    @Test("the boxed closure is released when Lua's GC collects the function (__gc)")
    func releasedByGC() throws {
        let probe = WeakProbe()
        let (before, after) = try withState(.standard) { state -> (Bool, Bool) in
            do {
                let token = Token()
                probe.object = token
                try state.setGlobal("g", .hostFunction(LuaHostFunction { _ in _ = token; return [] }))
            }
            let before = probe.object != nil
            try state.execute("g = nil collectgarbage() collectgarbage()", chunkName: "=t")
            return (before, probe.object != nil)
        }
        #expect(before)
        #expect(!after)
    }

    @Test("every public call leaves the stack balanced, including after errors")
    func stackBalance() throws {
        try withState { state in
            let top = state.stackTop
            try state.setGlobal("x", [1, 2, ["deep": true]])
            _ = try state.global("x")
            try state.setProtectedGlobal("cfg", ["a": 1])
            _ = try state.execute("return 1, 2, 3", chunkName: "=t")
            _ = try? state.execute("error('x')", chunkName: "=t")
            _ = try? state.execute("syntax error here", chunkName: "=t")
            _ = try? state.execute("local t = {} t.t = t return t", chunkName: "=t")
            let f = try state.load(Array("return ...".utf8), chunkName: "=f")
            _ = try state.call(.function(f), [1])
            _ = try? state.call(.integer(3), [])
            try state.preload("mod", ["v": 1])
            #expect(state.stackTop == top)
        }
    }

    @Test("a value that cannot be pushed, deep inside a table, leaves the stack as it was")
    func stackBalanceAfterFailedPush() throws {
        try withState { state in
            let other = try LuaState()
            defer { other.close() }
            let foreign = LuaValue.function(try other.load(Array("return 1".utf8), chunkName: "=other"))
            let nested: LuaValue = [1, ["ok": true, "deeper": [2, ["f": foreign]]], 3]
            let top = state.stackTop
            #expect(caught { try state.setGlobal("x", nested) }?.message == "a Lua reference from another state cannot be used here")
            #expect(state.stackTop == top)
            guard case .table(let table) = nested else { return }
            #expect(caught { try state.setProtectedGlobal("cfg", table) } != nil)
            #expect(state.stackTop == top)
            #expect(caught { try state.preload("mod", nested) } != nil)
            #expect(state.stackTop == top)
            let f = try state.load(Array("return ...".utf8), chunkName: "=f")
            #expect(caught { try state.call(.function(f), [1, nested]) } != nil)
            #expect(state.stackTop == top)
            // nothing half-set: the globals are untouched and the state still works
            #expect(try state.global("x") == .nil && state.global("cfg") == .nil)
            try state.setGlobal("x", [1, ["ok": true]])
            #expect(try state.execute("return x[2].ok", chunkName: "=t") == [true])
            #expect(state.stackTop == top)
        }
    }
}

final class Token: Sendable {}
final class WeakProbe: @unchecked Sendable {
    weak var object: Token?
}
