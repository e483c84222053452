import Foundation

extension HostileCase {
    /// Metatable tricks: __gc, __close, error objects with hostile __tostring, __index chains, lying __len.
    static let metatables: [HostileCase] = [
        HostileCase(
            name: "__gc is refused by setmetatable",
            code: #"""
            setmetatable({}, {__gc = function() while true do end end})
            """#,
            expect: 1,
            stderrFirstLine: "onboard: case.lua:1: setmetatable: __gc metamethods are not allowed in the sandbox"),
        HostileCase(
            name: "__gc is refused whatever its value",
            code: #"""
            print(pcall(setmetatable, {}, {__gc = true}))
            print(pcall(setmetatable, {}, {__gc = false}))
            print(pcall(setmetatable, {}, {__gc = "finalizer"}))
            """#,
            expect: 0,
            stdout: "false\tsetmetatable: __gc metamethods are not allowed in the sandbox\nfalse\tsetmetatable: __gc metamethods are not allowed in the sandbox\nfalse\tsetmetatable: __gc metamethods are not allowed in the sandbox\n"),
        HostileCase(
            name: "a __gc added after setmetatable is never run, so closing the state cannot hang",
            code: #"""
            local mt = {}
            local t = setmetatable({}, mt)
            mt.__gc = function() while true do end end
            t = nil
            print("done")
            """#,
            flags: ["--time-limit", "5s"],
            expect: 0,
            stdout: "done\n",
            maxSeconds: 4.0),
        HostileCase(
            name: "__gc hidden behind an __index on the metatable is not a raw field, and never runs",
            code: #"""
            local mt = setmetatable({}, {__index = {__gc = function() while true do end end}})
            local t = setmetatable({}, mt)
            t = nil
            print("done")
            """#,
            flags: ["--time-limit", "5s"],
            expect: 0,
            stdout: "done\n",
            maxSeconds: 4.0),
        HostileCase(
            name: "a __close that loops is stopped by the time limit",
            code: #"""
            do
              local x <close> = setmetatable({}, {__close = function() while true do end end})
            end
            print("not reached")
            """#,
            flags: ["--time-limit", "300ms"],
            expect: 3,
            stdout: "",
            stderrFirstLine: "onboard: case.lua:2: time limit exceeded (--time-limit 300ms)"),
        HostileCase(
            name: "a __close that errors is an ordinary error",
            code: #"""
            do
              local x <close> = setmetatable({}, {__close = function() error("close failed") end})
            end
            """#,
            expect: 1,
            stderrFirstLine: "onboard: case.lua:2: close failed"),
        HostileCase(
            name: "a __close error replaces the body's error under pcall",
            code: #"""
            print(pcall(function()
              local x <close> = setmetatable({}, {__close = function(_, e) error("close saw: " .. tostring(e), 0) end})
              error("body failed", 0)
            end))
            """#,
            expect: 0,
            stdout: "false\tclose saw: body failed\n"),
        HostileCase(
            name: "__close handlers run once the time limit fired cannot print or loop",
            code: #"""
            do
              local x <close> = setmetatable({}, {__close = function() print("closing") while true do end end})
              while true do end
            end
            """#,
            flags: ["--time-limit", "300ms"],
            expect: 3,
            stdout: "",
            stderrContains: ["time limit exceeded (--time-limit 300ms)"]),
        HostileCase(
            name: "a non-closable value in a <close> variable is an error",
            code: #"""
            do local x <close> = 42 end
            """#,
            expect: 1,
            stderrFirstLine: "onboard: case.lua:1: variable 'x' got a non-closable value"),
        HostileCase(
            name: "break closes <close> variables of a for loop",
            code: #"""
            for i = 1, 3 do
              local x <close> = setmetatable({}, {__close = function() print("closed", i) end})
              if i == 2 then break end
            end
            """#,
            expect: 0,
            stdout: "closed\t1\nclosed\t2\n"),
        HostileCase(
            name: "an error object whose __tostring loops is stopped by the time limit",
            code: #"""
            error(setmetatable({}, {__tostring = function() while true do end end}))
            """#,
            flags: ["--time-limit", "300ms"],
            expect: 3,
            stderrFirstLine: "onboard: case.lua:1: time limit exceeded (--time-limit 300ms)"),
        HostileCase(
            name: "an error object whose __tostring errors reports that error",
            code: #"""
            error(setmetatable({}, {__tostring = function() error("inner") end}))
            """#,
            expect: 1,
            stderrFirstLine: "onboard: case.lua:1: inner"),
        HostileCase(
            name: "an error object whose __tostring builds a huge string hits the memory limit",
            code: #"""
            error(setmetatable({}, {__tostring = function() return ("x"):rep(1e8) end}))
            """#,
            flags: ["--memory-limit", "64MB"],
            expect: 3,
            stderrFirstLine: "onboard: memory limit exceeded (--memory-limit 64MB)"),
        HostileCase(
            name: "an error object whose __tostring recurses is a C stack overflow",
            code: #"""
            error(setmetatable({}, {__tostring = function(e) return tostring(e) end}))
            """#,
            expect: 1,
            stderrFirstLine: "onboard: C stack overflow"),
        HostileCase(
            name: "an error object whose __tostring returns a non-string is reported by type",
            code: #"""
            error(setmetatable({}, {__tostring = function() return 42 end}))
            """#,
            expect: 1,
            stderrFirstLine: "onboard: (error object is a table value)"),
        HostileCase(
            name: "an error object with a plain __tostring is reported at the raising line",
            code: #"""
            error(setmetatable({}, {__tostring = function() return "custom message" end}))
            """#,
            expect: 1,
            stderrFirstLine: "onboard: case.lua:1: custom message"),
        HostileCase(
            name: "an error object with __index and __name is not looked into",
            code: #"""
            error(setmetatable({}, {__index = function() while true do end end, __name = "Hostile"}))
            """#,
            flags: ["--time-limit", "2s"],
            expect: 1,
            stderrFirstLine: "onboard: (error object is a table value)",
            maxSeconds: 1.5),
        HostileCase(
            name: "nil, function and thread error values are reported by type",
            code: #"""
            print(pcall(error))
            print(select("#", pcall(error, nil)))
            error(coroutine.create(print))
            """#,
            expect: 1,
            stdout: "false\tnil\n2\n",
            stderrFirstLine: "onboard: (error object is a thread value)"),
        HostileCase(
            name: "error(\"time limit exceeded\") is an ordinary error: limits are reported from the host's flag",
            code: #"""
            error("time limit exceeded (--time-limit 1s)", 0)
            """#,
            expect: 1,
            stderrFirstLine: "onboard: time limit exceeded (--time-limit 1s)",
            stderrExcludes: ["worker process was killed"]),
        HostileCase(
            name: "an __index loop is caught by Lua's chain limit",
            code: #"""
            local a = setmetatable({}, {})
            getmetatable(a).__index = a
            print(pcall(function() return a.x end))
            """#,
            expect: 0,
            stdout: "false\tcase.lua:3: '__index' chain too long; possible loop\n"),
        HostileCase(
            name: "a deep but finite __index chain works",
            code: #"""
            local t = {x = "found"}
            for i = 1, 90 do t = setmetatable({}, {__index = t}) end
            print(t.x, t.y)
            """#,
            expect: 0,
            stdout: "found\tnil\n"),
        HostileCase(
            name: "__index functions that recurse end in a C stack overflow",
            code: #"""
            local t = setmetatable({}, {__index = function(t, k) return t[k] end})
            print(pcall(function() return t.x end))
            """#,
            expect: 0,
            stdout: "false\tcase.lua:1: C stack overflow\n"),
        HostileCase(
            name: "__newindex, __call, __concat and __eq recursion are errors",
            code: #"""
            local mt = {}
            mt.__newindex = function(t, k, v) t[k] = v end
            mt.__call = function(self) return 1 + self() end
            mt.__concat = function(a, b) return a .. b end
            mt.__eq = function(a, b) return a == b end
            local x, y = setmetatable({}, mt), setmetatable({}, mt)
            print(pcall(function() x.k = 1 end))
            print(pcall(function() return x() end))
            print(pcall(function() return x .. "y" end))
            print(pcall(function() return x == y end))
            """#,
            flags: ["--time-limit", "5s"],
            expect: 0,
            stdout: "false\tcase.lua:2: C stack overflow\nfalse\tcase.lua:3: stack overflow\nfalse\tcase.lua:4: C stack overflow\nfalse\tcase.lua:5: C stack overflow\n",
            maxSeconds: 4.0),
        HostileCase(
            name: "__len that returns a non-integer is refused by table functions",
            code: #"""
            local t = setmetatable({}, {__len = function() return "many" end})
            print(pcall(table.insert, t, 1))
            print(pcall(table.unpack, t))
            """#,
            expect: 0,
            stdout: "false\tobject length is not an integer\nfalse\tobject length is not an integer\n"),
        HostileCase(
            name: "__len that lies about a huge length cannot make table.unpack produce 1e9 values",
            code: #"""
            local t = setmetatable({}, {__len = function() return 1e9 end})
            print(pcall(table.unpack, t))
            print(pcall(table.unpack, {}, 1, 1e6))
            """#,
            expect: 0,
            stdout: "false\ttoo many results to unpack\nfalse\ttoo many results to unpack\n"),
        HostileCase(
            name: "__len lying to table.concat: the Lua __index runs under the time limit",
            code: #"""
            local t = setmetatable({}, {__len = function() return 1e12 end, __index = function() return "" end})
            print(#table.concat(t))
            """#,
            flags: ["--time-limit", "500ms"],
            expect: 3,
            stderrContains: ["time limit exceeded (--time-limit 500ms)"],
            maxSeconds: 3.0),
        HostileCase(
            name: "__pairs that loops is stopped by the time limit",
            code: #"""
            local t = setmetatable({}, {__pairs = function() while true do end end})
            for k in pairs(t) do end
            """#,
            flags: ["--time-limit", "300ms"],
            expect: 3,
            stderrContains: ["time limit exceeded (--time-limit 300ms)"]),
        HostileCase(
            name: "__metatable protects a script's own metatable",
            code: #"""
            local t = setmetatable({}, {__metatable = "mine"})
            print(getmetatable(t), pcall(setmetatable, t, {}))
            """#,
            expect: 0,
            stdout: "mine\tfalse\tcannot change a protected metatable\n"),
        HostileCase(
            name: "table.sort with an inconsistent comparator is an error, not a crash",
            code: #"""
            local t = {}
            for i = 1, 100 do t[i] = i end
            print(pcall(table.sort, t, function() return true end))
            """#,
            expect: 0,
            stdout: "false\tinvalid order function for sorting\n"),
    ]

    /// The host's tables (json, env: read-only) and the script's own (yousign, emulator), and hostile
    /// values handed to host functions.
    static let hostTables: [HostileCase] = [
        HostileCase(
            name: "json is read-only: assignment fails",
            code: #"""
            json.decode = function() return "forged" end
            """#,
            expect: 1,
            stderrFirstLine: "onboard: case.lua:1: attempt to modify a read-only host table"),
        HostileCase(
            name: "json is read-only: rawset and setmetatable fail, its metatable is locked",
            code: #"""
            print(pcall(rawset, json, "encode", print))
            print(pcall(setmetatable, json, {}))
            print(getmetatable(json))
            print(json.encode({a = 1}))
            """#,
            expect: 0,
            stdout: "false\tattempt to modify a read-only host table\nfalse\tcannot change a protected metatable\nlocked\n{\"a\":1}\n"),
        HostileCase(
            name: "json's fields are listed by pairs but not reachable raw",
            code: #"""
            local keys = {}
            for k in pairs(json) do keys[#keys + 1] = k end
            table.sort(keys)
            print(table.concat(keys, " "), #json, rawlen(json), rawget(json, "encode"), next(json))
            """#,
            expect: 0,
            stdout: "array decode encode null nulls object\t0\t0\tnil\tnil\n"),
        HostileCase(
            name: "env is a read-only host table",
            code: #"""
            print(pcall(rawset, env, "get", function() return "forged" end))
            print(pcall(function() env.get = print end))
            print(getmetatable(env))
            """#,
            expect: 0,
            stdout: "false\tattempt to modify a read-only host table\nfalse\tcase.lua:2: attempt to modify a read-only host table\nlocked\n"),
        HostileCase(
            name: "yousign is the script's own table: replacing a function changes only this script's view",
            code: #"""
            yousign.workflow_templates.list = function() return {data = {}} end
            print(#yousign.workflow_templates.list().data, #require("yousign").workflow_templates.list().data)
            local sessions = yousign.request{method = "GET", path = "/workflow_templates"}
            print(#sessions.data)
            """#,
            flags: ["--ephemeral"],
            expect: 0,
            stdout: "0\t0\n3\n"),
        HostileCase(
            name: "yousign can be dropped and rawset by the script; require gives it back",
            code: #"""
            rawset(yousign, "backend", "forged")
            yousign = nil
            local y = require("yousign")
            print(y.backend, #y.workflow_templates.list().data)
            """#,
            flags: ["--ephemeral"],
            expect: 0,
            stdout: "forged\t3\n"),
        HostileCase(
            name: "emulator is the script's own table too: replacing emulator.sign fools only the script",
            code: #"""
            emulator.sign = function() return "signed (forged)" end
            print(emulator.sign("sr", "signer"))
            local sr = yousign.signature_requests.create{name = "A", delivery_mode = "none"}
            print(yousign.signature_requests.get(sr.id).status)
            """#,
            flags: ["--ephemeral"],
            expect: 0,
            stdout: "signed (forged)\ndraft\n"),
        HostileCase(
            name: "an API error whose __tostring the script replaced with a loop is stopped by the time limit",
            code: #"""
            local ok, err = pcall(yousign.workflow_sessions.get, "missing")
            getmetatable(err).__tostring = function() while true do end end
            yousign.workflow_sessions.get("missing")
            """#,
            flags: ["--ephemeral", "--time-limit", "500ms"],
            expect: 3,
            stderrContains: ["time limit exceeded (--time-limit 500ms)"]),
        HostileCase(
            name: "host functions called with hostile tables read them raw: __pairs and __index are not run",
            code: #"""
            local body = setmetatable({}, {__pairs = function() while true do end end, __index = function() error("index ran") end})
            local ok, err = pcall(yousign.workflow_sessions.create, body)
            print(ok, err.status, err.type)
            """#,
            flags: ["--ephemeral", "--time-limit", "2s"],
            expect: 0,
            stdout: "false\t400\tvalidation.error\n"),
        HostileCase(
            name: "a body that contains itself is refused",
            code: #"""
            local body = {name = "x"}
            body.self = body
            print(pcall(yousign.workflow_sessions.create, body))
            """#,
            flags: ["--ephemeral"],
            expect: 0,
            stdout: "false\tcannot convert a table that contains itself (a cycle)\n"),
        HostileCase(
            name: "a body nested 100000 deep is refused",
            code: #"""
            local deep = {}
            local cur = deep
            for i = 1, 1e5 do cur.a = {} cur = cur.a end
            print(pcall(yousign.workflow_sessions.create, deep))
            print(pcall(json.encode, deep) == false)
            """#,
            flags: ["--ephemeral"],
            expect: 0,
            stdout: "false\ttable nesting deeper than 200\ntrue\n"),
        HostileCase(
            name: "functions, threads, NaN and sparse tables in a body are refused by name",
            code: #"""
            for _, v in ipairs{print, coroutine.create(print), 0/0, math.huge} do
              local ok, err = pcall(yousign.workflow_sessions.create, {name = v})
              print(ok, err)
            end
            print(pcall(yousign.workflow_sessions.create, {[1] = 1, [2^53] = 2}))
            """#,
            flags: ["--ephemeral"],
            expect: 0,
            stdout: "false\tyousign.workflow_sessions.create: the body cannot be sent as JSON: cannot encode a function value at $.name\nfalse\tyousign.workflow_sessions.create: the body cannot be sent as JSON: cannot encode a thread value at $.name\nfalse\tyousign.workflow_sessions.create: the body cannot be sent as JSON: cannot encode NaN or infinity at $.name\nfalse\tyousign.workflow_sessions.create: the body cannot be sent as JSON: cannot encode NaN or infinity at $.name\nfalse\tyousign.workflow_sessions.create: the body cannot be sent as JSON: cannot encode a table with mixed or sparse keys (use string keys, a sequence 1..n, or mark it with json.array / json.object)\n"),
        HostileCase(
            name: "yousign.request refuses paths that leave the API and methods it does not know",
            code: #"""
            for _, p in ipairs{"/../_emulator/reset", "/workflow_templates/../x", "/workflow_templates?limit=1"} do
              print(pcall(yousign.request, {method = "GET", path = p}))
            end
            print(pcall(yousign.request, {method = "GET\r\nX-Injected: 1", path = "/workflow_templates"}))
            print(pcall(yousign.request, {method = "TRACE", path = "/workflow_templates"}))
            """#,
            flags: ["--ephemeral"],
            expect: 0,
            stdout: "false\tyousign.request: path must be an API path like /workflow_sessions/ID (put the query in `query`)\nfalse\tyousign.request: path must be an API path like /workflow_sessions/ID (put the query in `query`)\nfalse\tyousign.request: path must be an API path like /workflow_sessions/ID (put the query in `query`)\nfalse\tyousign.request: method must be GET, POST, PUT, PATCH or DELETE, got 'GET\r\nX-INJECTED: 1'\nfalse\tyousign.request: method must be GET, POST, PUT, PATCH or DELETE, got 'TRACE'\n"),
        HostileCase(
            name: "a script cannot reach the emulator's control routes through yousign.request",
            code: #"""
            local ok, err = pcall(yousign.request, {method = "POST", path = "/_emulator/reset"})
            print(ok, err.status, err.type)
            """#,
            flags: ["--ephemeral"],
            expect: 0,
            stdout: "false\t404\tresource.not_found\n"),
    ]
}
