// luakit-bench: how fast Lua calls a Swift host function, against a Lua-to-Lua call.
//
//   .build-release/release/luakit-bench [N]      (N calls of each kind, default 5e6)
//
// One `LuaState` (the sandbox environment, no limits) on a `LuaThread`. Three globals take two
// integers and return their sum:
//   lua_add      a Lua function
//   add          LuaHostFunction { args in [.integer(...)] }        (results as [LuaValue])
//   add_pushing  LuaHostFunction.pushing { args.push(...); return 1 } (pushes its result itself)
//   c_add        a bare lua_CFunction (the floor: what any C call costs, no trampoline, no Swift)
// and one Lua loop per function makes N calls through `state.execute`, timed with the monotonic
// clock (ContinuousClock). An empty loop is timed too, so the per-call cost can be shown both
// with and without the loop around it.
//
// Output: human lines, then machine-readable `key=value` lines that scripts/bench/run parses.

import CLua  // a transitive dependency through LuaKit: only for the plain C function baseline
import Foundation
import LuaKit

let n: Int = {
    if CommandLine.arguments.count > 1, let v = Double(CommandLine.arguments[1]), v >= 1 { return Int(v) }
    return 5_000_000
}()
let rounds = 5  // each loop runs this many times; the fastest round counts

struct Timing {
    let name: String
    let seconds: Double
    var callsPerSecond: Double { Double(n) / seconds }
}

func seconds(_ d: Duration) -> Double {
    let (s, atto) = d.components
    return Double(s) + Double(atto) / 1e18
}

// Built in a nonisolated function: closures formed in top-level code would be main-actor
// isolated, and Swift 6 checks that isolation at run time when C calls them on the Lua thread.
nonisolated func measure() throws -> [Timing] {
  try LuaThread.run {
    let state = try LuaState(environment: .sandbox, limits: .none)
    defer { state.close() }

    try state.setGlobal("add", .hostFunction(LuaHostFunction { args in
        [.integer(try args.integer(0) &+ args.integer(1))]
    }))
    try state.setGlobal("add_pushing", .hostFunction(LuaHostFunction.pushing({ args in
        args.push(integer: try args.integer(0) &+ args.integer(1))
        return 1
    })))
    try state.execute("function lua_add(a, b) return a + b end", chunkName: "=lua_add")
    // The floor for any host call: a bare lua_CFunction, no trampoline and no Swift dispatch.
    lua_pushcclosure(state.handle, { L in
        lua_pushinteger(L, lua_tointegerx(L, 1, nil) &+ lua_tointegerx(L, 2, nil))
        return 1
    }, 0)
    lua_setglobal(state.handle, "c_add")

    // The same loop for every function; `f` is a local so the loop does not pay a global lookup.
    let loop = """
        local f, n = ...
        local s = 0
        for i = 1, n do s = f(s, 1) end
        return s
        """
    let emptyLoop = """
        local f, n = ...
        local s = 0
        for i = 1, n do s = s + 1 end
        return s
        """

    let cases: [(name: String, source: String, function: String?)] = [
        ("empty_loop", emptyLoop, nil),
        ("lua", loop, "lua_add"),
        ("host", loop, "add"),
        ("host_pushing", loop, "add_pushing"),
        ("c_function", loop, "c_add"),
    ]
    func run(_ source: String, _ name: String, _ f: LuaValue, _ count: Int) throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        let results = try state.execute(source, chunkName: "=\(name)", arguments: [f, .integer(Int64(count))])
        let elapsed = seconds(clock.now - start)
        guard results.first == .integer(Int64(count)) else { fatalError("\(name): wrong result \(results)") }
        return elapsed
    }
    let functions = try cases.map { c in try c.function.map { try state.global($0) } ?? .nil }
    // warm up (and check the results) with a short run of each
    for (c, f) in zip(cases, functions) { _ = try run(c.source, c.name, f, 1000) }
    // rounds interleave the cases, so a noisy moment on the machine does not hit only one
    var best = [Double](repeating: .infinity, count: cases.count)
    for _ in 0..<rounds {
        for (i, (c, f)) in zip(cases, functions).enumerated() { best[i] = min(best[i], try run(c.source, c.name, f, n)) }
    }
    return zip(cases, best).map { Timing(name: $0.name, seconds: $1) }
  }
}

let timings = try measure()

let byName = Dictionary(uniqueKeysWithValues: timings.map { ($0.name, $0) })
let empty = byName["empty_loop"]!, lua = byName["lua"]!, host = byName["host"]!, pushing = byName["host_pushing"]!
let cFunction = byName["c_function"]!

func perCall(_ t: Timing) -> Double { t.seconds / Double(n) * 1e9 }
func netPerCall(_ t: Timing) -> Double { max(0, t.seconds - empty.seconds) / Double(n) * 1e9 }
func fmt(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }

print("luakit-bench: \(n) calls of each, best of \(rounds) rounds")
for t in [lua, host, pushing, cFunction] {
    print("  \(t.name.padding(toLength: 13, withPad: " ", startingAt: 0)) \(fmt(t.callsPerSecond / 1e6, 2))M calls/s  "
        + "\(fmt(perCall(t))) ns/call (\(fmt(netPerCall(t))) ns without the loop)")
}
print("  empty loop    \(fmt(perCall(empty))) ns/iteration")
print("  host/lua \(fmt(host.callsPerSecond / lua.callsPerSecond, 3))x, "
    + "pushing/lua \(fmt(pushing.callsPerSecond / lua.callsPerSecond, 3))x, "
    + "C function/lua \(fmt(cFunction.callsPerSecond / lua.callsPerSecond, 3))x")

print("n=\(n)")
for t in [empty, lua, host, pushing, cFunction] {
    print("\(t.name)_seconds=\(fmt(t.seconds, 6))")
    print("\(t.name)_calls_per_s=\(fmt(t.callsPerSecond, 0))")
    print("\(t.name)_ns_per_call=\(fmt(perCall(t), 2))")
}
print("host_ratio=\(fmt(host.callsPerSecond / lua.callsPerSecond, 4))")
print("host_pushing_ratio=\(fmt(pushing.callsPerSecond / lua.callsPerSecond, 4))")
print("c_function_ratio=\(fmt(cFunction.callsPerSecond / lua.callsPerSecond, 4))")
