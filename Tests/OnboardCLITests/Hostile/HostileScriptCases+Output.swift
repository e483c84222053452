import Foundation

extension HostileCase {
    /// Output floods, terminal escapes (on a pipe they pass unchanged), and library functions at their edges.
    static let output: [HostileCase] = [
        HostileCase(
            name: "print in a loop stops at exactly the output limit",
            code: #"""
            while true do print(("x"):rep(99)) end
            """#,
            flags: ["--output-limit", "1KB"],
            expect: 3,
            stdout: String(repeating: String(repeating: "x", count: 99) + "\n", count: 10) + String(repeating: "x", count: 24),
            stderrFirstLine: "onboard: case.lua:1: output limit exceeded (--output-limit 1KB)"),
        HostileCase(
            name: "one huge print is cut at exactly the output limit",
            code: #"""
            print(("y"):rep(5000))
            """#,
            flags: ["--output-limit", "1KB"],
            expect: 3,
            stdout: String(repeating: "y", count: 1024),
            stderrFirstLine: "onboard: case.lua:1: output limit exceeded (--output-limit 1KB)"),
        HostileCase(
            name: "many small prints are cut at exactly the output limit",
            code: #"""
            for i = 1, 1e9 do print(i) end
            """#,
            flags: ["--output-limit", "1KB"],
            expect: 3,
            stdout: String((1..<400).map { "\($0)\n" }.joined().prefix(1024)),
            stderrFirstLine: "onboard: case.lua:1: output limit exceeded (--output-limit 1KB)"),
        HostileCase(
            name: "a __tostring that returns a huge string is cut at the output limit",
            code: #"""
            print(setmetatable({}, {__tostring = function() return ("w"):rep(4096) end}))
            """#,
            flags: ["--output-limit", "1KB"],
            expect: 3,
            stdout: String(repeating: "w", count: 1024),
            stderrFirstLine: "onboard: case.lua:1: output limit exceeded (--output-limit 1KB)"),
        HostileCase(
            name: "print inside pcall in a loop cannot get past the output limit",
            code: #"""
            while true do pcall(print, ("p"):rep(100)) end
            """#,
            flags: ["--output-limit", "1KB"],
            expect: 3,
            stderrContains: ["output limit exceeded (--output-limit 1KB)"]),
        // WEAKNESS W6: this case fails on the current build; it expects the safe outcome.
        // Today the 10 MB message reaches standard error whole, whatever --output-limit says.
        HostileCase(
            name: "a huge error message is bounded on standard error like output",
            code: #"""
            error(("e"):rep(1e7))
            """#,
            flags: ["--output-limit", "1KB"],
            expect: 1,
            stdout: "",
            stderrContains: ["onboard: case.lua:1: eeee"],
            maxStderrBytes: 65536),
        // WEAKNESS W6: this case fails on the current build; it expects the safe outcome.
        HostileCase(
            name: "a huge error table's __tostring is bounded on standard error too",
            code: #"""
            error(setmetatable({}, {__tostring = function() return ("t"):rep(1e7) end}))
            """#,
            flags: ["--output-limit", "1KB"],
            expect: 1,
            stdout: "",
            stderrContains: ["onboard: case.lua:1: tttt"],
            maxStderrBytes: 65536),
        HostileCase(
            name: "escape sequences pass unchanged when standard output is a pipe",
            code: #"""
            print("\27[31mred\27[0m \27]0;title\7 \27[2J")
            """#,
            expect: 0,
            stdout: "\u{1B}[31mred\u{1B}[0m \u{1B}]0;title\u{7} \u{1B}[2J\n"),
        HostileCase(
            name: "bidi overrides, C1 controls and NUL bytes pass unchanged on a pipe",
            code: #"""
            print("a\u{202E}b\u{2066}c\u{85}d\0e")
            """#,
            expect: 0,
            stdout: "a\u{202E}b\u{2066}c\u{85}d\0e\n"),
        HostileCase(
            name: "escape sequences in an error message arrive on standard error as written (pipe)",
            code: #"""
            error("\27[2Jcleared", 0)
            """#,
            expect: 1,
            stderrFirstLine: "onboard: \u{1B}[2Jcleared"),
        HostileCase(
            name: "string.format refuses widths above 99",
            code: #"""
            print(pcall(string.format, "%100d", 1))
            print(#string.format("%099d", 1))
            """#,
            expect: 0,
            stdout: "false\tinvalid conversion specification: '%100d'\n99\n"),
        HostileCase(
            name: "os.date and os.time refuse dates they cannot represent",
            code: #"""
            local function msg(ok, err) return ok, (tostring(err):gsub("^[^:]+:%d+: ", "")) end
            print(msg(pcall(os.date, "*t", 2^62)))
            print(msg(pcall(os.date, "!%c", -2^62)))
            print(msg(pcall(os.time, {year = 2^40, month = 1, day = 1})))
            print(msg(pcall(os.date, "%Q")))
            """#,
            flags: ["--ephemeral"],
            expect: 0,
            stdout: "false\tdate result cannot be represented in this installation\nfalse\tdate result cannot be represented in this installation\nfalse\tfield 'year' is out-of-bound\nfalse\tbad argument #1 to 'real_date' (invalid conversion specifier '%Q')\n"),
        HostileCase(
            name: "integer edge cases do not trap",
            code: #"""
            print(math.mininteger // -1, math.mininteger % -1, math.maxinteger + 1 == math.mininteger)
            print(pcall(function() return 1 // 0 end))
            print(pcall(function() return 1 % 0 end))
            for i = math.maxinteger - 1, math.maxinteger do print(i) end
            print(string.format("%q", 1/0), string.format("%q", math.mininteger))
            """#,
            expect: 0,
            stdout: "-9223372036854775808\t0\ttrue\nfalse\tcase.lua:2: attempt to divide by zero\nfalse\tcase.lua:3: attempt to perform 'n%0'\n9223372036854775806\n9223372036854775807\n1e9999\t0x8000000000000000\n"),
        HostileCase(
            name: "string.pack, utf8.char and string.char refuse out-of-range arguments",
            code: #"""
            print(pcall(string.pack, "i17", 1))
            print(pcall(string.unpack, "s4", "\255\255\255\255"))
            print(pcall(utf8.char, 0x80000000))
            print(pcall(string.char, 256))
            print(pcall(select, -5, 1))
            """#,
            expect: 0,
            stdout: "false\tintegral size (17) out of limits [1,16]\nfalse\tbad argument #2 to '?' (data string too short)\nfalse\tbad argument #1 to '?' (value out of range)\nfalse\tbad argument #1 to '?' (value out of range)\nfalse\tbad argument #1 to '?' (index out of range)\n"),
    ]

    /// The emulator's controls and waits driven by a hostile script: the parent must survive and keep
    /// to the time limit.
    static let emulator: [HostileCase] = [
        HostileCase(
            name: "emulator.advance refuses infinite, NaN and negative durations",
            code: #"""
            for _, v in ipairs{math.huge, 0/0, -1} do print(pcall(emulator.advance, v)) end
            """#,
            flags: ["--ephemeral"],
            expect: 0,
            stdout: "false\tbad argument #2 (number of seconds (0 or more) expected, got number)\nfalse\tbad argument #2 (number of seconds (0 or more) expected, got number)\nfalse\tbad argument #2 (number of seconds (0 or more) expected, got number)\n"),
        // WEAKNESS W1: this case fails on the current build; it expects the safe outcome.
        // Today the parent dies on SIGILL: Int64(seconds) in EmulatorControl.advance(seconds:).
        HostileCase(
            name: "emulator.advance(1e300) is an error in the script, not a crash of onboard",
            code: #"""
            pcall(emulator.advance, 1e300)
            print("survived")
            """#,
            flags: ["--ephemeral"],
            expect: 0,
            stdout: "survived\n"),
        // WEAKNESS W1: this case fails on the current build; it expects the safe outcome.
        HostileCase(
            name: "emulator.advance(2^63) is an error in the script, not a crash of onboard",
            code: #"""
            pcall(emulator.advance, 2^63)
            print("survived")
            """#,
            flags: ["--ephemeral"],
            expect: 0,
            stdout: "survived\n"),
        // WEAKNESS W2: this case fails on the current build; it expects the safe outcome.
        // Today the parent dies on SIGILL: Int64(now.timeIntervalSince1970) in the emulator's clock response.
        HostileCase(
            name: "moving the emulator's clock past the year 292 billion is an error, not a crash",
            code: #"""
            pcall(emulator.advance, 9e18)
            pcall(emulator.advance, 9e18)
            pcall(emulator.now)
            print("survived")
            """#,
            flags: ["--ephemeral"],
            expect: 0,
            stdout: "survived\n"),
        // WEAKNESS W1: this case fails on the current build; it expects the safe outcome.
        // Today the parent dies on SIGILL: the wait's sleep becomes emulator.advance(1e300).
        HostileCase(
            name: "yousign.wait with an absurd interval on the embedded emulator is an error, not a crash",
            code: #"""
            pcall(yousign.wait, function() return 1 end, function() return false end, {interval = 1e300, timeout = 1e301, max_interval = 1e300})
            print("survived")
            """#,
            flags: ["--ephemeral"],
            expect: 0,
            stdout: "survived\n"),
        // WEAKNESS W4: this case fails on the current build; it expects the safe outcome.
        // Today the parent sleeps the whole 8 s inside the host call (up to a day: SystemWaitClock caps at 86400 s).
        HostileCase(
            name: "yousign.wait on a real backend cannot sleep past the time limit",
            code: #"""
            print("waiting")
            yousign.wait(function() return 1 end, function() return false end, {interval = "8s", timeout = "1h"})
            """#,
            flags: ["--base-url", "http://127.0.0.1:9/v3", "--time-limit", "1s"],
            expect: 3,
            stdout: "waiting\n",
            stderrContains: ["time limit exceeded (--time-limit 1s)"],
            maxSeconds: 3.5),
        // WEAKNESS W4: this case fails on the current build; it expects the safe outcome.
        // Today one 120 KB upload keeps the parent busy ~9 s in SignatureRequestDocumentFile.pageCount (quadratic regex).
        HostileCase(
            name: "an upload whose page count makes the emulator backtrack cannot run past the time limit",
            code: #"""
            local pdf = "%PDF-1.4\n" .. ("/Type/Pages "):rep(10000)
            local sr = yousign.signature_requests.create{name = "A", delivery_mode = "none"}
            print(pcall(yousign.signature_requests.documents.create, sr.id, {
              file = {name = "c.pdf", content = pdf, content_type = "application/pdf"}, nature = "attachment"}))
            """#,
            flags: ["--ephemeral", "--time-limit", "1s"],
            expect: 3,
            stderrContains: ["time limit exceeded (--time-limit 1s)"],
            maxSeconds: 3.5),
    ]
}
