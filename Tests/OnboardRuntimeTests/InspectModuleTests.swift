import Foundation
import LuaKit
import OnboardRuntime
import Testing

@Suite("The inspect module: layout, limits, colours, redaction, metamethods")
struct InspectModuleTests {
    /// Runs a main.lua made of `local inspect = require("inspect")` and `body`; returns its
    /// results as text (a result that is not a string shows as `<type>`).
    func inspectResults(_ body: String) throws -> [String] {
        let folder = try ScriptFolder(["main.lua": "local inspect = require(\"inspect\")\n" + body])
        return try runScript(folder).results.map { (value: LuaValue) -> String in
            if case .string(let text) = value { return text.lossyText }
            return "<\(value.typeName)>"
        }
    }

    @Test("keys are sorted (numbers, strings, others) and tables too wide for a line are indented")
    func layout() throws {
        #expect(try inspectResults(#"""
            return inspect({
              name = "Kelly Doe", email = "kelly@example.com",
              signers = { { id = 1, fields = { "sig", "initials" } }, { id = 2, fields = {} } },
              [2] = "two", [1] = "one", [10] = "ten", ["content-type"] = "json", [true] = "yes",
            })
            """#) == [#"""
            {
              "one",
              "two",
              [10] = "ten",
              ["content-type"] = "json",
              email = "kelly@example.com",
              name = "Kelly Doe",
              signers = {
                { fields = { "sig", "initials" }, id = 1 },
                { fields = {}, id = 2 }
              },
              [true] = "yes"
            }
            """#])
    }

    @Test("short arrays and tables stay on one line; leading 1..n keys are implicit")
    func inline() throws {
        #expect(try inspectResults(#"""
            return inspect({ 1, 2, 3 }), inspect({ tags = { "a", "b" }, n = 1.0, [0] = "z", "x" })
            """#) == [#"{ 1, 2, 3 }"#, #"{ [0] = "z", "x", n = 1.0, tags = { "a", "b" } }"#])
    }

    @Test("strings are escaped and numbers keep their kind")
    func scalars() throws {
        #expect(try inspectResults(#"""
            return inspect({ "tab\there", "quote\"", "back\\slash", "nul\0", "bell\a1", 3, 2.0, 0.1, 1e100,
              math.huge, -math.huge, 0/0, -7 }, { width = 200 })
            """#) == [#"""
            { "tab\there", "quote\"", "back\\slash", "nul\0", "bell\0071", 3, 2.0, 0.1, 1e+100, math.huge, -math.huge, 0/0, -7 }
            """#])
    }

    @Test("past the depth limit a table shows as {...}")
    func depth() throws {
        #expect(try inspectResults(#"""
            return inspect({ a = { b = { c = 1 } }, d = 1 }, { depth = 2 }), inspect({ { {} } }, { depth = 0 })
            """#) == [#"{ a = { b = {...} }, d = 1 }"#, "{...}"])
    }

    @Test("past the items limit a table ends with ...(N more); 200 by default")
    func items() throws {
        #expect(try inspectResults(#"""
            local t, h = {}, {}
            for i = 1, 250 do t[i] = i end
            for i = 1, 9 do h["k" .. i] = i end
            local _, lines = inspect(t):gsub("\n", "")
            return inspect(t, { items = 3 }), inspect(h, { items = 2 }), tostring(lines), inspect(t):sub(-16)
            """#) == ["{ 1, 2, 3, ...(247 more) }", "{ k1 = 1, k2 = 2, ...(7 more) }", "202", "  ...(50 more)\n}"])
    }

    @Test("a table inside itself is <cycle>; a table seen twice elsewhere prints twice")
    func cycles() throws {
        #expect(try inspectResults(#"""
            local root = { name = "root" }
            root.self = root
            root.child = { parent = root }
            local shared = { 1 }
            return inspect(root), inspect({ a = shared, b = shared })
            """#) == [#"{ child = { parent = <cycle> }, name = "root", self = <cycle> }"#, "{ a = { 1 }, b = { 1 } }"])
    }

    @Test("colours only with color = true, and they never change the layout")
    func colors() throws {
        let results = try inspectResults(#"""
            local v = { s = "text", n = 1.5, b = false, f = print, list = { 1, 2 }, token = "abc", z = "a\nb" }
            return inspect(v, { color = true }), inspect(v)
            """#)
        try #require(results.count == 2)
        let (colored, plain) = (results[0], results[1])
        #expect(plain == #"""
            {
              b = false,
              f = <function>,
              list = { 1, 2 },
              n = 1.5,
              s = "text",
              token = "<redacted>",
              z = "a\nb"
            }
            """#)
        #expect(!plain.contains("\u{1B}"))
        #expect(colored.contains("s = \u{1B}[32m\"text\"\u{1B}[0m,"))
        #expect(colored.contains("n = \u{1B}[33m1.5\u{1B}[0m,"))
        #expect(colored.contains("b = \u{1B}[36mfalse\u{1B}[0m,"))
        #expect(colored.contains("f = \u{1B}[90m<function>\u{1B}[0m,"))
        let stripped = colored.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(stripped == plain)
    }

    @Test("values under secret-looking keys are redacted, unless redact = false")
    func redaction() throws {
        #expect(try inspectResults(#"""
            local v = { password = "hunter2", api_key = "k1", ["X-Api-Key"] = "k2", Authorization = "Bearer t",
              key = 42, keys = { "a" }, access_token = "t", secret = { inner = "visible" }, name = "Kelly" }
            return inspect(v), inspect({ password = "hunter2", key = 42 }, { redact = false })
            """#) == [#"""
            {
              Authorization = "<redacted>",
              ["X-Api-Key"] = "<redacted>",
              access_token = "<redacted>",
              api_key = "<redacted>",
              key = "<redacted>",
              keys = { "a" },
              name = "Kelly",
              password = "<redacted>",
              secret = { inner = "visible" }
            }
            """#, #"{ key = 42, password = "hunter2" }"#])
    }

    @Test("a table with __tostring shows it as a header before its fields")
    func tostringHeader() throws {
        #expect(try inspectResults(#"""
            local ApiError = { __name = "yousign.error" }
            ApiError.__index = ApiError
            function ApiError.__tostring(e) return e.method .. " " .. e.path .. ": " .. e.status .. " " .. e.type end
            local err = setmetatable({ status = 404, type = "not_found", method = "GET", path = "/documents/x" }, ApiError)
            return inspect(err), inspect(setmetatable({ x = 1 }, { __tostring = function() return "Point\n(1)" end }))
            """#) == [#"""
            <yousign.error: GET /documents/x: 404 not_found> {
              method = "GET",
              path = "/documents/x",
              status = 404,
              type = "not_found"
            }
            """#, #"<Point\n(1)> { x = 1 }"#])
    }

    @Test("metamethods that raise do not break rendering; only __tostring is called")
    func raisingMetamethods() throws {
        #expect(try inspectResults(#"""
            local function boom() error("metamethod called") end
            local evil = setmetatable({ a = 1 }, { __index = boom, __pairs = boom, __len = boom, __tostring = boom,
              __eq = boom, __lt = boom, __le = boom, __concat = boom, __call = boom })
            return inspect({ evil = evil, [evil] = "as key", list = { evil } })
            """#) == [#"""
            {
              evil = <__tostring failed> { a = 1 },
              list = { <__tostring failed> { a = 1 } },
              [<table>] = "as key"
            }
            """#])
    }

    @Test("json.null and the read-only json module render by their contents")
    func hostValues() throws {
        #expect(try inspectResults(#"""
            return inspect({ note = json.null, n = 1 }), inspect(json)
            """#) == [#"{ n = 1, note = json.null }"#, #"""
            {
              array = <function>,
              decode = <function>,
              encode = <function>,
              null = json.null,
              nulls = <function>,
              object = <function>
            }
            """#])
    }

    @Test("values renders several results on one line when they fit, else one per line")
    func values() throws {
        #expect(try inspectResults(#"""
            return inspect.values(table.pack(1, "two", nil, { 3 })), inspect.values(table.pack()),
              inspect.values(table.pack(nil)), inspect.values(table.pack(("x"):rep(50), { a = ("y"):rep(30) }))
            """#) == [#"1, "two", nil, { 3 }"#, "", "nil", #"""
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            { a = "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyy" }
            """#])
    }

    @Test("huge values stop at max_length with a marker")
    func truncation() throws {
        #expect(try inspectResults(#"""
            local big = {}
            for i = 1, 20000 do big[i] = { id = i, name = "item " .. i } end
            local all = inspect(big, { items = math.huge })
            local long = inspect(("x"):rep(1000000))
            return inspect(big, { items = math.huge, max_length = 300 }), tostring(#all), all:sub(-21), tostring(#long)
            """#) == [#"""
            {
              { id = 1, name = "item 1" },
              { id = 2, name = "item 2" },
              { id = 3, name = "item 3" },
              { id = 4, name = "item 4" },
              { id = 5, name = "item 5" },
              { id = 6, name = "item 6" },
              { id = 7, name = "item 7" },
              { id = 8, name = "item 8" },
              { id = 9, name = "item 9" },
              { id = 10, name =...(output truncated)
            """#, "20021", "...(output truncated)", "20021"])
    }
}
