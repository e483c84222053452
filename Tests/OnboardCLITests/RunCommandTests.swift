import Foundation
import Testing

@Suite("onboard run, end to end on the built binary")
struct RunCommandTests {
    @Test("the hello example prints its greeting")
    func hello() async throws {
        let result = try await CLI.onboardAsync(["run", "examples/hello.lua", "Kelly"])
        #expect(result == CommandResult(status: 0, stdout: """
            Hello, Kelly!
            {"args":["Kelly"],"greeting":"hello","name":"Kelly"}

            """, stderr: ""))
    }

    @Test("arg and ... match lua5.4 for the same script and arguments")
    func argLikeLua() async throws {
        let folder = try TempFolder(text: ["args.lua": """
            print(arg[0], #arg, select("#", ...), ...)
            for i = 1, #arg do print(i, arg[i]) end
            """])
        let args = ["args.lua", "one", "two words", "--flag", "-e", "x"]
        let ours = try await CLI.onboardAsync(["run"] + args, in: folder.url)
        #expect(ours.status == 0)
        #expect(ours.stdout.hasPrefix("args.lua\t5\t5\tone\ttwo words\t--flag\t-e\tx\n"))
        guard let lua = CLI.lua else { return }
        let theirs = try await CLI.runAsync(lua, args, in: folder.url)
        #expect(ours.stdout == theirs.stdout)
    }

    @Test("negative arg indexes hold what came before the script")
    func negativeArgs() async throws {
        let folder = try TempFolder(text: ["a.lua": "print(arg[-4], arg[-3], arg[-2], arg[-1], arg[0])"])
        let result = try await CLI.onboardAsync(["run", "--time-limit", "2s", "a.lua"], in: folder.url)
        #expect(result.stdout == "onboard\trun\t--time-limit\t2s\ta.lua\n")
    }

    @Test("-e runs code first; - reads the script from standard input")
    func inlineAndStdin() async throws {
        let result = try await CLI.onboardAsync(["run", "-e", "greeting = 'hi'", "-"], stdin: "print(greeting, ...)", in: CLI.root)
        #expect(result == CommandResult(status: 0, stdout: "hi\n", stderr: ""))
        let only = try await CLI.onboardAsync(["run", "-e", "print(1 + 1)"])
        #expect(only == CommandResult(status: 0, stdout: "2\n", stderr: ""))
    }

    @Test("a runtime error prints file:line: message and a traceback, exit 1")
    func runtimeError() async throws {
        let folder = try TempFolder(text: ["flow.lua": "print('before')\nlocal function check(x)\n  error('template ' .. x .. ' missing')\nend\ncheck('onboarding')\n"])
        let result = try await CLI.onboardAsync(["run", "flow.lua"], in: folder.url)
        #expect(result.hasResumeLine, "\(result)")
        #expect(result.withoutResumeLine == CommandResult(status: 1, stdout: "before\n", stderr: """
            onboard: flow.lua:3: template onboarding missing
            stack traceback:
            \t[C]: in global 'error'
            \tflow.lua:3: in local 'check'
            \tflow.lua:5: in main chunk

            """))
    }

    @Test("a syntax error names the file and line, exit 1")
    func syntaxError() async throws {
        let folder = try TempFolder(text: ["bad.lua": "local ok = true\nif ok then\n"])
        let result = try await CLI.onboardAsync(["run", "bad.lua"], in: folder.url)
        #expect(result.hasResumeLine, "\(result)")
        #expect(result.withoutResumeLine == CommandResult(status: 1, stdout: "", stderr: "onboard: bad.lua:3: 'end' expected (to close 'if' at line 2) near <eof>\n"))
    }

    @Test("a precompiled chunk is refused, exit 1")
    func binaryChunk() async throws {
        let folder = try TempFolder(["flow.luac": [0x1B, 0x4C, 0x75, 0x61, 0x54, 0x00, 0x19, 0x93]])
        let result = try await CLI.onboardAsync(["run", "flow.luac"], in: folder.url)
        #expect(result.hasResumeLine, "\(result)")
        #expect(result.withoutResumeLine == CommandResult(status: 1, stdout: "",
            stderr: "onboard: flow.luac: precompiled (binary) chunks are not accepted; run the .lua source instead\n"))
    }

    @Test("a limit exits 3 and names the flag that set it", arguments: [
        (["--time-limit", "300ms", "-e", "while true do pcall(function() while true do end end) end"],
         "onboard: (command line):1: time limit exceeded (--time-limit 300ms)"),
        (["--memory-limit", "16MB", "-e", "local t = {} for i = 1, 1e8 do t[i] = i end"],
         "onboard: (command line):1: memory limit exceeded (--memory-limit 16MB)"),
        (["--instruction-limit", "1000000", "-e", "while true do end"],
         "onboard: (command line):1: instruction limit exceeded (--instruction-limit 1000000)"),
        (["--output-limit", "1KB", "-e", "while true do print(('x'):rep(99)) end"],
         "onboard: (command line):1: output limit exceeded (--output-limit 1KB)"),
    ])
    func limits(_ arguments: [String], _ firstLine: String) async throws {
        let result = try await CLI.onboardAsync(["run"] + arguments)
        #expect(result.status == 3)
        #expect(result.stderr.split(separator: "\n").first.map(String.init) == firstLine)
    }

    @Test("the output limit lets exactly the limit through")
    func outputBytes() async throws {
        let result = try await CLI.onboardAsync(["run", "--output-limit", "1KB", "-e", "while true do print(('x'):rep(99)) end"])
        #expect(result.stdout.utf8.count == 1024)
    }

    @Test("usage errors exit 2 with a message that says what to do", arguments: [
        (["run"], "onboard: name a script to run (or - for standard input), or give code with -e"),
        (["run", "--time-limit", "soon", "x.lua"], "onboard: 'soon' is not a duration: use a number with ms, s, m or h, like 500ms, 30s or 2m, or 'none'"),
        (["run", "--memory-limit", "lots", "x.lua"], "onboard: 'lots' is not a size: use a number with KB, MB or GB, like 64KB or 64MB, or 'none'"),
        (["run", "--bogus", "x.lua"], "onboard: Unknown option '--bogus'"),
        (["run", "missing.lua"], "onboard: cannot open 'missing.lua': no such file (check the path, or use - to read the script from standard input)"),
        (["run", "examples"], "onboard: cannot open 'examples': it is a directory; name a .lua file"),
        (["walk"], "onboard: Unexpected argument 'walk'"),
    ])
    func usage(_ arguments: [String], _ firstLine: String) async throws {
        let result = try await CLI.onboardAsync(arguments)
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr.split(separator: "\n").first.map(String.init) == firstLine)
    }

    @Test("--version and --help")
    func helpAndVersion() async throws {
        #expect(try await CLI.onboardAsync(["--version"]) == CommandResult(status: 0, stdout: "onboard 0.1.0 (Lua 5.4.4)\n", stderr: ""))
        let help = try await CLI.onboardAsync(["run", "--help"])
        #expect(help.status == 0)
        for needle in ["USAGE: onboard run", "--memory-limit <size>", "--instruction-limit <count>", "--time-limit <duration>",
                       "--output-limit <size>", "-e <code>", "Exit codes: 0 success, 1 script error, 2 usage error, 3 a sandbox limit fired."] {
            #expect(help.stdout.contains(needle), "missing \(needle)")
        }
    }

    @Test("output printed before an error comes out before the error message")
    func ordering() async throws {
        let result = try await CLI.onboardAsync(["run", "-e", "for i = 1, 3 do print(i) end error('stop', 0)"])
        #expect(result.hasResumeLine, "\(result)")
        #expect(result.withoutResumeLine == CommandResult(status: 1, stdout: "1\n2\n3\n", stderr: "onboard: stop\nstack traceback:\n\t[C]: in global 'error'\n\t(command line):1: in main chunk\n"))
    }
}
