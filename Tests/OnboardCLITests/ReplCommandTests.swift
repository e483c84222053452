import Foundation
import Testing

/// `onboard repl` end to end: through a pipe (a script: no prompts, no colours) and on a
/// pseudo-terminal (prompts, multi-line input, completion, Ctrl-C, history across sessions).
@Suite("onboard repl", .serialized)
struct ReplCommandTests {
    @Test("through a pipe: results without prompts or colours, on the embedded emulator in a worker")
    func pipe() async throws {
        let input = """
            1 + 1
            local name = 'Kelly Smith'
            function greet(who)
              return 'Hello, ' .. who
            end
            greet(name)
            sr = yousign.signature_requests.create{ name = name .. ' contract', delivery_mode = 'none' }
            sr.status
            { name = sr.name, api_key = 'sk_live_not_shown' }
            .backend
            """
        let result = try await CLI.onboardAsync(["repl", "--ephemeral"], stdin: input)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == """
            2
            "Hello, Kelly Smith"
            "draft"
            { api_key = "<redacted>", name = "Kelly Smith contract" }
            backend: embedded emulator (in memory)
            session: a worker process (the sandbox of onboard run)

            """, "\(result)")
        #expect(!result.stdout.contains("\u{1B}") && !result.stdout.contains("> "))
        #expect(result.stderr == "", "\(result)")
    }

    @Test("through a pipe: an error is reported with its line, the rest still runs, and the status is 1")
    func pipeErrors() async throws {
        let result = try await CLI.onboardAsync(["repl", "--ephemeral"], stdin: "yousign.signature_requests.get('nope')\n_err.status\n")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("stdin:1:"), "\(result)")
        #expect(result.stdout == "404\n", "\(result)")
    }

    @Test("through a pipe: the sandbox and permissions of run hold (no file read without --allow-read)")
    func pipeSandbox() async throws {
        let result = try await CLI.onboardAsync(["repl", "--ephemeral"], stdin: "io\nos.execute\n")
        #expect(result.stdout == "nil\nnil\n", "\(result)")
        let upload = try await CLI.onboardAsync(["repl", "--ephemeral"], stdin: "yousign.documents.create{ file = 'examples/files/contract.pdf', nature = 'signable_document' }\n")
        #expect(upload.status == 1)
        #expect(upload.stderr.contains("--allow-read"), "\(upload)")
    }

    @Test("through a pipe, in this process too (--no-worker), with the same results")
    func pipeNoWorker() async throws {
        let result = try await CLI.onboardAsync(["repl", "--ephemeral", "--no-worker"], stdin: "local n = 20\nn + 22\n.backend\n")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "42\nbackend: embedded emulator (in memory)\nsession: this process (--no-worker)\n", "\(result)")
    }

    @Test("a statement stuck in C past its time limit costs the worker, and a fresh session replaces it")
    func stuckStatement() async throws {
        let (result, seconds) = try await CLI.onboardTimed(["repl", "--ephemeral", "--time-limit", "300ms"],
                                                           stdin: "x = 1\n(\"a\"):rep(1000):find(\".-.-.-b\")\nx\n'still here'\n")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("time limit") && result.stderr.contains("a new session started"), "\(result)")
        #expect(result.stdout == "nil\n\"still here\"\n", "\(result)")
        #expect(seconds < 10)
    }

    @Test("on a terminal: prompt, a multi-line function, colours, and Ctrl-D to leave")
    func terminal() async throws {
        let folder = try TempFolder()
        let tty = try PseudoTerminal(["repl", "--ephemeral"], in: folder.url)
        #expect(await tty.waitFor("> "), "\(tty.screen)")
        await tty.keys("function g(n)\r")
        #expect(await tty.waitFor(">> "), "\(tty.screen)")
        await tty.keys("return n * 6\r")
        await tty.keys("end\r")
        await tty.keys("g(7)\r")
        #expect(await tty.waitFor("42"), "\(tty.screen)")
        #expect(tty.raw.contains("\u{1B}[33m42\u{1B}[0m"), "results are coloured on a terminal: \(tty.raw.debugDescription)")
        tty.type("\u{04}")
        #expect(await tty.waitForExit() == 0)
    }

    @Test("on a terminal, NO_COLOR and --no-color turn the colours off")
    func noColour() async throws {
        let folder = try TempFolder()
        for (arguments, environment) in [(["--no-color"], [String: String]()), ([], ["NO_COLOR": "1"])] {
            let tty = try PseudoTerminal(["repl", "--ephemeral"] + arguments, in: folder.url, environment: environment)
            #expect(await tty.waitFor("> "))
            await tty.keys("6 * 7\r")
            #expect(await tty.waitFor("42"), "\(tty.screen)")
            #expect(!tty.raw.contains("\u{1B}[33m"), "\(tty.raw.debugDescription)")
            tty.type("\u{04}")
            #expect(await tty.waitForExit() == 0)
        }
    }

    @Test("on a terminal: Tab completes fields and lists the choices")
    func completion() async throws {
        let folder = try TempFolder()
        let tty = try PseudoTerminal(["repl", "--ephemeral"], in: folder.url)
        #expect(await tty.waitFor("> "))
        await tty.keys("yousign.signature_re\t")
        #expect(await tty.waitFor("yousign.signature_requests"), "\(tty.screen)")
        await tty.keys(".\t\t")
        #expect(await tty.waitFor("activate"), "\(tty.screen)")
        #expect(await tty.waitFor("list"), "\(tty.screen)")
        await tty.keys("\u{03}")  // drop the line
        await tty.keys("1 + 2\r")
        #expect(await tty.waitFor("1 + 2\n3\n"), "\(tty.screen)")
        // Ctrl-D once the editor reads again (the next prompt), as a person types it
        #expect(await tty.waitFor("3\n> "), "\(tty.screen)")
        tty.type("\u{04}")
        #expect(await tty.waitForExit() == 0, "\(tty.screen)")
    }

    @Test("on a terminal: Ctrl-C interrupts an endless loop and the session keeps its state")
    func interrupt() async throws {
        let folder = try TempFolder()
        let tty = try PseudoTerminal(["repl", "--ephemeral"], in: folder.url)
        #expect(await tty.waitFor("> "))
        await tty.keys("kept = 41\r")
        await tty.keys("while true do end\r")
        await PseudoTerminal.pause(0.5)
        tty.type("\u{03}")
        #expect(await tty.waitFor("interrupted"), "\(tty.screen)")
        await tty.keys("kept + 1\r")
        #expect(await tty.waitFor("42"), "\(tty.screen)")
        // stuck in a C call no hook reaches: a second Ctrl-C a second later replaces the worker
        await tty.keys("(\"a\"):rep(1000):find(\".-.-.-b\")\r")
        await PseudoTerminal.pause(0.3)
        tty.type("\u{03}")
        await PseudoTerminal.pause(1.2)
        tty.type("\u{03}")
        #expect(await tty.waitFor("a new session started"), "\(tty.screen)")
        await tty.keys("kept == nil\r")
        #expect(await tty.waitFor("true"), "\(tty.screen)")
        tty.type("\u{04}")
        #expect(await tty.waitForExit() == 0)
    }

    @Test("on a terminal: history is kept per folder and Ctrl-R finds an earlier session's line")
    func history() async throws {
        let folder = try TempFolder()
        let first = try PseudoTerminal(["repl", "--ephemeral"], in: folder.url,
                                       environment: ["YOUSIGN_API_KEY": "sk_test_never_in_history"])
        #expect(await first.waitFor("> "))
        await first.keys("pasted = 'sk_test_never_in_history'\r")
        await first.keys(" private = 1\r")
        await first.keys("answer = 6 * 7\r")
        await first.keys("'first session'\r")
        #expect(await first.waitFor("\"first session\""))
        first.type("\u{04}")
        #expect(await first.waitForExit() == 0)
        let saved = try String(contentsOf: folder.url.appendingPathComponent(".onboard/repl_history"), encoding: .utf8)
        #expect(saved.contains("answer"), "\(saved)")
        #expect(!saved.contains("sk_test") && !saved.contains("private"), "\(saved)")

        let second = try PseudoTerminal(["repl", "--ephemeral"], in: folder.url)
        #expect(await second.waitFor("> "))
        await second.keys("\u{12}answ")  // Ctrl-R, then part of the line
        #expect(await second.waitFor("answer = 6 * 7", count: 1), "\(second.screen)")
        await second.keys("\r")
        await PseudoTerminal.pause(0.3)
        await second.keys("answer\r")
        #expect(await second.waitFor("42"), "\(second.screen)")
        second.type("\u{04}")
        #expect(await second.waitForExit() == 0)
    }
}
