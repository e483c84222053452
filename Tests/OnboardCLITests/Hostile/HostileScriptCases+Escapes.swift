import Foundation

extension HostileCase {
    /// Ways out of the sandbox: io, os, package, require with paths, dofile, loadfile, warn, bytecode, debug,
    /// load and its environments, the string metatable, collectgarbage.
    static let escapes: [HostileCase] = [
        HostileCase(
            name: "io is absent: io.open is an ordinary error",
            code: #"""
            print("before")
            local f = io.open("/etc/passwd")
            """#,
            expect: 1,
            stdout: "before\n",
            stderrFirstLine: "onboard: case.lua:2: attempt to index a nil value (global 'io')"),
        HostileCase(
            name: "io.write is absent too (output goes through print only)",
            code: #"""
            io.write("x")
            """#,
            expect: 1,
            stdout: "",
            stderrFirstLine: "onboard: case.lua:1: attempt to index a nil value (global 'io')"),
        HostileCase(
            name: "os.execute is absent",
            code: #"""
            os.execute("touch pwned")
            """#,
            expect: 1,
            stderrFirstLine: "onboard: case.lua:1: attempt to call a nil value (field 'execute')"),
        HostileCase(
            name: "os.getenv is absent: the key cannot be read from the environment",
            code: #"""
            print(os.getenv("YOUSIGN_API_KEY"))
            """#,
            expect: 1,
            stderrFirstLine: "onboard: case.lua:1: attempt to call a nil value (field 'getenv')"),
        HostileCase(
            name: "os.exit is absent: os.exit(0) does not end the run with success",
            code: #"""
            os.exit(0)
            print("not reached")
            """#,
            expect: 1,
            stdout: "",
            stderrFirstLine: "onboard: case.lua:1: attempt to call a nil value (field 'exit')"),
        HostileCase(
            name: "pcall(os.exit, true, true) calls nil: the run goes on",
            code: #"""
            print(pcall(os.exit, true, true))
            print("still running")
            """#,
            expect: 0,
            stdout: "false\tattempt to call a nil value\nstill running\n"),
        HostileCase(
            name: "os.remove is absent: the script cannot delete its own file",
            code: #"""
            os.remove("case.lua")
            """#,
            expect: 1,
            stderrFirstLine: "onboard: case.lua:1: attempt to call a nil value (field 'remove')",
            filesAfter: ["case.lua": "os.remove(\"case.lua\")\n"]),
        HostileCase(
            name: "os keeps only clock, date, difftime and time",
            code: #"""
            local keys = {}
            for k in pairs(os) do keys[#keys + 1] = k end
            table.sort(keys)
            print(table.concat(keys, " "))
            print(os.rename, os.tmpname, os.setlocale)
            """#,
            expect: 0,
            stdout: "clock date difftime time\nnil\tnil\tnil\n"),
        HostileCase(
            name: "package is absent: no package.loadlib to reach io through liblua",
            code: #"""
            local io = package.loadlib("liblua5.4.so.0", "luaopen_io")()
            """#,
            expect: 1,
            stderrFirstLine: "onboard: case.lua:1: attempt to index a nil value (global 'package')"),
        HostileCase(
            name: "require cannot bring back io, os, debug or package",
            code: #"""
            for _, name in ipairs{"io", "os", "debug", "package", "string", "_G"} do
              print(pcall(require, name))
            end
            """#,
            expect: 0,
            stdout: "false\tmodule 'io' not found: looked for io.lua, io/init.lua and stdlib/io.lua\nfalse\tmodule 'os' not found: looked for os.lua, os/init.lua and stdlib/os.lua\nfalse\tmodule 'debug' not found: looked for debug.lua, debug/init.lua and stdlib/debug.lua\nfalse\tmodule 'package' not found: looked for package.lua, package/init.lua and stdlib/package.lua\nfalse\tmodule 'string' not found: looked for string.lua, string/init.lua and stdlib/string.lua\nfalse\tmodule '_G' not found: looked for _G.lua, _G/init.lua and stdlib/_G.lua\n"),
        HostileCase(
            name: "require takes module names, never paths",
            code: #"""
            for _, name in ipairs{"../x", "/etc/passwd", "a/b", "..", ".hidden", "a..b", "a.", "", "a b", "a\0b", "~/x", "C:\\x"} do
              print(pcall(require, name))
            end
            """#,
            expect: 0,
            stdout: "false\tmodule name '../x' is not valid: use dotted names like 'lib.helpers' (no paths, no '..')\nfalse\tmodule name '/etc/passwd' is not valid: use dotted names like 'lib.helpers' (no paths, no '..')\nfalse\tmodule name 'a/b' is not valid: use dotted names like 'lib.helpers' (no paths, no '..')\nfalse\tmodule name '..' is not valid: use dotted names like 'lib.helpers' (no paths, no '..')\nfalse\tmodule name '.hidden' is not valid: use dotted names like 'lib.helpers' (no paths, no '..')\nfalse\tmodule name 'a..b' is not valid: use dotted names like 'lib.helpers' (no paths, no '..')\nfalse\tmodule name 'a.' is not valid: use dotted names like 'lib.helpers' (no paths, no '..')\nfalse\tmodule name '' is not valid: use dotted names like 'lib.helpers' (no paths, no '..')\nfalse\tmodule name 'a b' is not valid: use dotted names like 'lib.helpers' (no paths, no '..')\nfalse\tmodule name 'a' is not valid: use dotted names like 'lib.helpers' (no paths, no '..')\nfalse\tmodule name '~/x' is not valid: use dotted names like 'lib.helpers' (no paths, no '..')\nfalse\tmodule name 'C:\\x' is not valid: use dotted names like 'lib.helpers' (no paths, no '..')\n"),
        HostileCase(
            name: "require of a missing module names the places searched without any host path",
            code: #"""
            require("missing.helper")
            """#,
            expect: 1,
            stderrFirstLine: "onboard: case.lua:1: module 'missing.helper' not found: looked for missing/helper.lua, missing/helper/init.lua and stdlib/missing/helper.lua"),
        HostileCase(
            name: "require of a missing module from a script in a subfolder names paths relative to the current folder",
            code: #"""
            require("helper")
            """#,
            script: "flows/case.lua",
            expect: 1,
            stderrFirstLine: "onboard: flows/case.lua:1: module 'helper' not found: looked for flows/helper.lua, flows/helper/init.lua and stdlib/helper.lua"),
        HostileCase(
            name: "an error inside a module beside the script is reported at the module's relative path",
            code: #"""
            require("lib.broken")
            """#,
            files: ["lib/broken.lua": "local M = {}\nerror('broken module')\nreturn M\n"],
            expect: 1,
            stderrFirstLine: "onboard: lib/broken.lua:2: broken module"),
        HostileCase(
            name: "dofile is absent",
            code: #"""
            dofile("/etc/passwd")
            """#,
            expect: 1,
            stderrFirstLine: "onboard: case.lua:1: attempt to call a nil value (global 'dofile')"),
        HostileCase(
            name: "loadfile is absent",
            code: #"""
            local f = loadfile("case.lua")
            """#,
            expect: 1,
            stderrFirstLine: "onboard: case.lua:1: attempt to call a nil value (global 'loadfile')"),
        HostileCase(
            name: "warn is absent (no unbounded writer to standard error)",
            code: #"""
            warn("@on")
            """#,
            expect: 1,
            stderrFirstLine: "onboard: case.lua:1: attempt to call a nil value (global 'warn')"),
        HostileCase(
            name: "the globals are exactly the allow-list (ephemeral backend)",
            code: #"""
            local keys = {}
            for k in pairs(_G) do keys[#keys + 1] = k end
            table.sort(keys)
            print(table.concat(keys, " "))
            """#,
            flags: ["--ephemeral"],
            expect: 0,
            stdout: "_G _VERSION arg assert collectgarbage coroutine emulator env error getmetatable ipairs json load math next os pairs pcall print rawequal rawget rawlen rawset require select setmetatable string table tonumber tostring type utf8 xpcall yousign\n"),
        HostileCase(
            name: "the string library has no dump, neither as a field nor as a method",
            code: #"""
            local keys = {}
            for k in pairs(string) do keys[#keys + 1] = k end
            table.sort(keys)
            print(table.concat(keys, " "))
            print(string.dump, ("").dump, ("x").dump)
            """#,
            expect: 0,
            stdout: "byte char find format gmatch gsub len lower match pack packsize rep reverse sub unpack upper\nnil\tnil\tnil\n"),
        HostileCase(
            name: "string.dump cannot be called to make bytecode",
            code: #"""
            local bytes = string.dump(function() return 1 end)
            """#,
            expect: 1,
            stderrFirstLine: "onboard: case.lua:1: attempt to call a nil value (field 'dump')"),
        HostileCase(
            name: "load refuses mode 'b'",
            code: #"""
            print(load("return 1", "chunk", "b"))
            """#,
            expect: 0,
            stdout: "nil\tbinary chunks are not allowed in the sandbox\n"),
        HostileCase(
            name: "load refuses a binary chunk even when the mode allows it",
            code: #"""
            print(load("\27LuaT\0\25\147\r\n\26\n\4\8\8", "chunk", "bt"))
            print(load("\27LuaT\0"))
            """#,
            expect: 0,
            stdout: "nil\tattempt to load a binary chunk (mode is 't')\nnil\tattempt to load a binary chunk (mode is 't')\n"),
        HostileCase(
            name: "load refuses a binary chunk delivered piece by piece by a reader function",
            code: #"""
            local pieces, i = {"\27", "LuaT", "\0\25\147"}, 0
            print(load(function() i = i + 1 return pieces[i] end))
            """#,
            expect: 0,
            stdout: "nil\tattempt to load a binary chunk (mode is 't')\n"),
        HostileCase(
            name: "a .luac file with bytecode is refused before anything runs",
            code: "\u{1B}LuaT\0\u{19}garbage",
            script: "flow.luac",
            expect: 1,
            stdout: "",
            stderrFirstLine: "onboard: flow.luac: precompiled (binary) chunks are not accepted; run the .lua source instead"),
        HostileCase(
            name: "a .lua file that holds bytecode is refused too",
            code: "\u{1B}LuaT\0\u{19}garbage",
            script: "flow.lua",
            expect: 1,
            stdout: "",
            stderrFirstLine: "onboard: flow.lua: precompiled (binary) chunks are not accepted; run the .lua source instead"),
        HostileCase(
            name: "a module file that holds bytecode is refused by require",
            code: #"""
            print(pcall(require, "compiled"))
            """#,
            files: ["compiled.lua": "\u{1B}LuaT\0\u{19}garbage"],
            expect: 0,
            stdout: "false\tprecompiled (binary) chunks are not accepted; run the .lua source instead\n"),
        HostileCase(
            name: "a shebang line followed by bytecode is only a syntax error",
            code: "#!/usr/bin/lua5.4\n\u{1B}LuaT",
            expect: 1,
            stderrFirstLine: "onboard: case.lua:2: unexpected symbol near '<\\27>'"),
        HostileCase(
            name: "debug is absent: no getregistry, getupvalue or sethook",
            code: #"""
            local r = debug.getregistry()
            """#,
            expect: 1,
            stderrFirstLine: "onboard: case.lua:1: attempt to index a nil value (global 'debug')"),
        HostileCase(
            name: "the string metatable is locked: getmetatable returns a string",
            code: #"""
            print(getmetatable(""), getmetatable("").__index, getmetatable("x") == getmetatable("y"))
            """#,
            expect: 0,
            stdout: "locked\tnil\ttrue\n"),
        HostileCase(
            name: "the string metatable cannot be replaced",
            code: #"""
            print(pcall(setmetatable, "", {}))
            print(pcall(setmetatable, getmetatable(""), {__index = {dump = print}}))
            """#,
            expect: 0,
            stdout: "false\tbad argument #1 to '?' (table expected, got string)\nfalse\tbad argument #1 to '?' (table expected, got string)\n"),
        HostileCase(
            name: "assigning through the string metatable fails",
            code: #"""
            getmetatable("").__index = {}
            """#,
            expect: 1,
            stderrFirstLine: "onboard: case.lua:1: attempt to index a string value"),
        HostileCase(
            name: "changing the string table changes string methods for this run only",
            code: #"""
            string.upper = function() return "hijacked" end
            print(("x"):upper(), string.upper("y"))
            """#,
            expect: 0,
            stdout: "hijacked\thijacked\n"),
        HostileCase(
            name: "load with an empty env reaches nothing",
            code: #"""
            local f = load("return io, os, debug, package, require, print, _G", "=sub", "t", {})
            print(f())
            """#,
            expect: 0,
            stdout: "nil\tnil\tnil\tnil\tnil\tnil\tnil\n"),
        HostileCase(
            name: "load with an env that inherits _G still sees only the sandbox",
            code: #"""
            local env = setmetatable({}, {__index = _G})
            local f = load("x = 1 return io, os.getenv, debug, package, string.dump, _G == _ENV", "=sub", "t", env)
            print(f())
            print(rawget(env, "x"), x)
            """#,
            expect: 0,
            stdout: "nil\tnil\tnil\tnil\tnil\tfalse\n1\tnil\n"),
        HostileCase(
            name: "load defaults to the script's own globals",
            code: #"""
            y = 2
            print(load("return y, _G == _ENV")())
            """#,
            expect: 0,
            stdout: "2\ttrue\n"),
        HostileCase(
            name: "require through an env cannot reach the real libraries",
            code: #"""
            print(pcall(load("return require('io')", "=sub", "t", {require = require})))
            """#,
            expect: 0,
            stdout: "false\tsub:1: module 'io' not found: looked for io.lua, io/init.lua and stdlib/io.lua\n"),
        HostileCase(
            name: "setmetatable(_G) with __index changes this run's lookups only",
            code: #"""
            setmetatable(_G, {__index = function(_, k) return "ghost:" .. k end})
            print(io, os.getenv, undefined_name)
            print(#yousign.workflow_templates.list().data)
            """#,
            flags: ["--ephemeral"],
            expect: 0,
            stdout: "ghost:io\tnil\tghost:undefined_name\n3\n"),
        HostileCase(
            name: "setmetatable(_G) with a __newindex that errors blocks new globals only",
            code: #"""
            setmetatable(_G, {__newindex = function(_, k) error("no new global " .. k, 2) end})
            print(pcall(function() fresh = 1 end))
            print = print
            print("existing globals still assign")
            """#,
            expect: 0,
            stdout: "false\tcase.lua:2: no new global fresh\nexisting globals still assign\n"),
        HostileCase(
            name: "a local _ENV cuts the script off from its own globals",
            code: #"""
            local _ENV = {}
            print("x")
            """#,
            expect: 1,
            stderrFirstLine: "onboard: case.lua:2: attempt to call a nil value (global 'print')"),
        HostileCase(
            name: "_ENV <const> (CVE-2022-28805's shape) compiles to correct code",
            code: #"""
            do
              local _ENV <const> = {print = print}
              print(x, y)
            end
            local _ENV <const> = 1
            return x
            """#,
            expect: 1,
            stdout: "nil\tnil\n",
            stderrFirstLine: "onboard: case.lua:6: attempt to index a number value"),
        HostileCase(
            name: "collectgarbage allows only \"count\"",
            code: #"""
            for _, opt in ipairs{"collect", "stop", "restart", "step", "incremental", "generational", "isrunning", "setpause"} do
              print(opt, pcall(collectgarbage, opt))
            end
            print(pcall(collectgarbage))
            print(type(collectgarbage("count")))
            """#,
            expect: 0,
            stdout: "collect\tfalse\tcollectgarbage: only \"count\" is allowed in the sandbox\nstop\tfalse\tcollectgarbage: only \"count\" is allowed in the sandbox\nrestart\tfalse\tcollectgarbage: only \"count\" is allowed in the sandbox\nstep\tfalse\tcollectgarbage: only \"count\" is allowed in the sandbox\nincremental\tfalse\tcollectgarbage: only \"count\" is allowed in the sandbox\ngenerational\tfalse\tcollectgarbage: only \"count\" is allowed in the sandbox\nisrunning\tfalse\tcollectgarbage: only \"count\" is allowed in the sandbox\nsetpause\tfalse\tcollectgarbage: only \"count\" is allowed in the sandbox\nfalse\tcollectgarbage: only \"count\" is allowed in the sandbox\nnumber\n"),
        HostileCase(
            name: "collectgarbage(\"stop\") uncaught ends the run with exit 1",
            code: #"""
            collectgarbage("stop")
            """#,
            expect: 1,
            stderrFirstLine: "onboard: case.lua:1: collectgarbage: only \"count\" is allowed in the sandbox"),
    ]
}
