import LuaKit
import Testing

@Suite("The sandbox environment (SANDBOX.md §4.5)")
struct SandboxEnvironmentTests {
    /// Every global and library member a script can see, as `name` or `lib.name`, sorted.
    static let listing = """
        local names = {}
        for k, v in pairs(_G) do
          if type(v) == "table" and k ~= "_G" then
            for m in pairs(v) do names[#names + 1] = k .. "." .. m end
          else
            names[#names + 1] = k
          end
        end
        table.sort(names)
        return table.concat(names, " ")
        """

    @Test("globals are exactly the allow-list")
    func allowList() throws {
        let listed = try run(Self.listing)[0].text ?? ""
        let expected = """
            _G _VERSION assert collectgarbage coroutine.close coroutine.create coroutine.isyieldable \
            coroutine.resume coroutine.running coroutine.status coroutine.wrap coroutine.yield error \
            getmetatable ipairs load math.abs math.acos math.asin math.atan math.atan2 math.ceil \
            math.cos math.cosh math.deg math.exp math.floor math.fmod math.frexp math.huge math.ldexp \
            math.log math.log10 math.max math.maxinteger math.min math.mininteger math.modf math.pi \
            math.pow math.rad math.random math.randomseed math.sin math.sinh math.sqrt math.tan \
            math.tanh math.tointeger math.type math.ult next os.clock os.date os.difftime os.time \
            pairs pcall print rawequal rawget rawlen rawset require select setmetatable string.byte \
            string.char string.find string.format string.gmatch string.gsub string.len string.lower \
            string.match string.pack string.packsize string.rep string.reverse string.sub \
            string.unpack string.upper table.concat table.insert table.move table.pack table.remove \
            table.sort table.unpack tonumber tostring type utf8.char utf8.charpattern \
            utf8.codepoint utf8.codes utf8.len utf8.offset xpcall
            """
        #expect(listed == expected)
    }

    @Test("escapes to the OS are absent, even by other routes", arguments: [
        "return io", "return debug", "return package", "return dofile", "return loadfile",
        "return warn", "return os.execute", "return os.getenv", "return os.exit", "return os.remove",
        "return string.dump", "return ('').dump", "return (''):dump", "return _G.io",
    ])
    func absent(_ source: String) throws {
        let result = try? run(source)
        #expect(result == nil || result == [.nil])
    }

    @Test("require refuses paths and unknown modules", arguments: [
        ("require('io')", "module 'io' not found"),
        ("require('../secret')", "module name '../secret' is not valid"),
        ("require('/etc/passwd')", "module name '/etc/passwd' is not valid"),
        ("require('a..b')", "module name 'a..b' is not valid"),
        ("require('debug')", "module 'debug' not found"),
    ])
    func requireRefuses(_ source: String, _ message: String) throws {
        let error = try failure(source)
        #expect(error.message.contains(message))
    }

    @Test("the string metatable is locked")
    func stringMetatable() throws {
        #expect(try run("return getmetatable('')") == ["locked"])
        let error = try failure("setmetatable(getmetatable(''), {})")
        #expect(error.message.contains("table expected"))
        // methods work and come from the filtered table
        #expect(try run("return ('abc'):upper(), ('x'):rep(3)") == ["ABC", "xxx"])
    }

    @Test("setmetatable refuses __gc, honours __metatable, allows the rest")
    func setmetatableRules() throws {
        #expect(try failure("setmetatable({}, {__gc = function() end})").message
            .hasSuffix("setmetatable: __gc metamethods are not allowed in the sandbox"))
        #expect(try failure("local t = setmetatable({}, {__metatable = 'no'}) setmetatable(t, {})").message
            .contains("cannot change a protected metatable"))
        #expect(try run("return setmetatable({}, {__index = function(_, k) return k .. '!' end}).hi") == ["hi!"])
    }

    @Test("load is text only, honours env, and defaults to the script's globals")
    func loadRules() throws {
        #expect(try run("return load('return 1 + 1')()") == [2])
        #expect(try run("return load(string.char(27) .. 'Lua')") == [.nil, "attempt to load a binary chunk (mode is 't')"])
        #expect(try run("return load('return 1', 'x', 'b')") == [.nil, "binary chunks are not allowed in the sandbox"])
        #expect(try run("return load('return x', 'c', 't', {x = 5})()") == [5])
        #expect(try run("return load('return io')()") == [.nil])
        #expect(try run("local parts = {'return ', '4', '2'} local i = 0 return load(function() i = i + 1 return parts[i] end)()") == [42])
    }

    @Test("collectgarbage allows only \"count\"")
    func collectgarbage() throws {
        #expect(try run("return type(collectgarbage('count'))") == ["number"])
        #expect(try failure("collectgarbage()").message.contains("only \"count\""))
        #expect(try failure("collectgarbage('stop')").message.contains("only \"count\""))
    }

    @Test("host tables are read-only proxies, even to rawset")
    func readOnlyHostTables() throws {
        let results = try withState { state -> [LuaValue] in
            try state.setProtectedGlobal("host", ["version": "1", "nested": ["k": 1]])
            return try state.execute("""
                local a = pcall(function() host.version = "2" end)
                local b = pcall(rawset, host, "version", "2")
                local c = pcall(function() host.nested.k = 2 end)
                local d = pcall(setmetatable, host, {})
                local keys = {}
                for k in pairs(host) do keys[#keys + 1] = k end
                table.sort(keys)
                return a, b, c, d, host.version, host.nested.k, getmetatable(host), table.concat(keys, ",")
                """, chunkName: "=t")
        }
        #expect(results == [false, false, false, false, "1", 1, "locked", "nested,version"])
    }

    @Test("a read-only host table refuses writes at every depth, and reads through")
    func readOnlyAtEveryDepth() throws {
        let results = try withState { state -> [LuaValue] in
            try state.setProtectedGlobal("host", ["a": ["b": ["c": ["d": 1]]]])
            return try state.execute("""
                local results = {}
                for _, t in ipairs{ host, host.a, host.a.b, host.a.b.c } do
                  local assigned = pcall(function() t.x = 1 end)
                  local raw = pcall(rawset, t, "x", 1)
                  local meta = pcall(setmetatable, t, {})
                  results[#results + 1] = not (assigned or raw or meta) and rawget(t, "x") == nil and getmetatable(t) == "locked"
                end
                return host.a.b.c.d, table.unpack(results)
                """, chunkName: "=t")
        }
        #expect(results == [1, true, true, true, true])
    }

    @Test("a library table changed by one run does not leak into the next (fresh state)")
    func freshState() throws {
        #expect(try run("string.upper = nil return 1") == [1])
        #expect(try run("return ('a'):upper()") == ["A"])
    }

    @Test("xpcall and pcall still behave like Lua's")
    func protectedCalls() throws {
        #expect(try run("return xpcall(function(a) return a * 2 end, function(m) return m end, 21)") == [true, 42])
        #expect(try run("return xpcall(function() error('x', 0) end, function(m) return 'handled ' .. m end)") == [false, "handled x"])
        #expect(try run("return pcall(error, 'e', 0)") == [false, "e"])
        #expect(try run("""
            local co = coroutine.wrap(function() return xpcall(function() coroutine.yield(1) return 2 end, print) end)
            return co(), co()
            """) == [1, true, 2])
    }

    @Test("coroutine basics still work with the wrappers")
    func coroutines() throws {
        #expect(try run("""
            local co = coroutine.create(function(a) local b = coroutine.yield(a + 1) return b * 2 end)
            local _, x = coroutine.resume(co, 1)
            local _, y = coroutine.resume(co, 10)
            return x, y, coroutine.status(co), coroutine.resume(co)
            """) == [2, 20, "dead", false, "cannot resume dead coroutine"])
        #expect(try run("""
            local co = coroutine.create(function() local x <close> = setmetatable({}, {__close = function() closed = true end}) coroutine.yield() end)
            coroutine.resume(co)
            return coroutine.close(co), closed
            """) == [true, true])
        #expect(try failure("coroutine.wrap(function() error('inner') end)()").message.contains("inner"))
    }

    @Test("deeply nested coroutine.close errors instead of overflowing the C stack")
    func closeNesting() throws {
        let results = try run("""
            local prev = nil
            for i = 1, 20000 do
              local inner = prev
              local co = coroutine.create(function()
                local x <close> = setmetatable({}, {__close = function()
                  if inner then local ok, err = coroutine.close(inner) if not ok then error(err, 0) end end
                end})
                coroutine.yield()
              end)
              coroutine.resume(co)
              prev = co
            end
            return coroutine.close(prev)
            """)
        #expect(results.first == false)
        #expect(results.last?.text?.contains("coroutine.close nested too deeply") == true)
    }

    @Test("deep C recursion ends in an error, not a crash, on the Lua thread")
    func cStackOverflow() throws {
        let error = try failure("local function f(s) return (s:gsub('.', f)) end f('x')")
        #expect(error.message.contains("stack overflow"))
        let error2 = try failure("local t = setmetatable({}, {__index = function(t, k) return t[k .. 'x'] end}) return t.a")
        #expect(error2.message.contains("stack overflow"))
    }
}
