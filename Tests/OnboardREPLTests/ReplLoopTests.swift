import Foundation
import LuaKit
import OnboardRuntime
import Testing
@testable import OnboardREPL

/// The loop over scripted lines (what a pipe gives it) and an in-process session without a
/// backend: commands, multi-line input, what goes to which stream, exit statuses.
@Suite("The REPL loop")
struct ReplLoopTests {
    static let stdlib = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("stdlib").path

    final class Streams: @unchecked Sendable {
        private let lock = NSLock()
        private var out = "", err = "", printed: [UInt8] = []
        func write(_ s: String) { lock.withLock { out += s } }
        func writeError(_ s: String) { lock.withLock { err += s } }
        func print(_ bytes: UnsafeRawBufferPointer) { lock.withLock { printed += bytes } }
        var stdout: String { lock.withLock { out } }
        var stderr: String { lock.withLock { err } }
        var scriptOutput: String { lock.withLock { String(decoding: printed, as: UTF8.self) } }
    }

    func session(_ input: String, interactive: Bool = false) throws -> (status: Int32, streams: Streams) {
        let streams = Streams()
        let run = ScriptRun(script: nil, limits: LuaLimits(time: .seconds(120)), stdlibFolder: Self.stdlib,
                            output: { streams.print($0) })
        let engine = try LocalReplEngine(run, host: nil)
        defer { engine.close() }
        let loop = ReplLoop(engine: engine, source: ScriptedLines(input),
                            settings: .init(interactive: interactive, color: false, limits: run.limits, placement: "this process"),
                            output: ReplOutput(writeOut: streams.write, writeError: streams.writeError))
        return (loop.run(), streams)
    }

    @Test("results print one per input, a multi-line function runs when its end arrives")
    func results() throws {
        let (status, streams) = try session("""
            1 + 1
            local greeting = 'hello'
            function shout(s)
              return s:upper() .. '!'
            end
            shout(greeting)
            print('side effect')
            """)
        #expect(status == 0)
        #expect(streams.stdout == "2\n\"HELLO!\"\n")
        #expect(streams.scriptOutput == "side effect\n")
        #expect(streams.stderr == "")
    }

    @Test("errors go to standard error, the loop goes on, and a script's status says one failed")
    func errors() throws {
        let (status, streams) = try session("error('boom')\nx = = 1\n40 + 2\n")
        #expect(status == 1)
        #expect(streams.stdout == "42\n")
        #expect(streams.stderr.contains("stdin:1: boom"), "\(streams.stderr)")
        #expect(streams.stderr.contains("unexpected symbol near '='"), "\(streams.stderr)")
    }

    @Test("a script's errors name the line of the input they are on, multi-line statements included")
    func scriptLines() throws {
        let (status, streams) = try session("x = 1\nerror('boom')\n\nlocal t = {\n  1,\n  nil + 1 }\nx = = 2\nt = nil .. 'x'\n")
        #expect(status == 1)
        let lines = streams.stderr.split(separator: "\n").filter { $0.hasPrefix("stdin:") }
        #expect(lines == ["stdin:2: boom", "stdin:6: attempt to perform arithmetic on a nil value",
                          "stdin:7: unexpected symbol near '='", "stdin:8: attempt to concatenate a nil value"], "\(streams.stderr)")
    }

    @Test("an expression with a trailing comment still prints; an error in an expression's last part names its own line")
    func trailingComments() throws {
        let (status, streams) = try session("1 + 1 -- two\nx = 3 -- set\nx -- read\nt = {}\nt.a.b\n")
        #expect(status == 1)
        #expect(streams.stdout == "2\n3\n")
        #expect(streams.stderr.hasPrefix("stdin:5: attempt to index a nil value (field 'a')"), "\(streams.stderr)")
    }

    @Test("input that ends inside a statement is a syntax error at <eof>")
    func endsInside() throws {
        let (status, streams) = try session("function f()\n  return 1\n")
        #expect(status == 1)
        #expect(streams.stderr.contains("<eof>"), "\(streams.stderr)")
    }

    @Test("at the prompt, the end of input inside a statement just leaves")
    func endsInsideInteractively() throws {
        let (status, streams) = try session("function f()\n  return 1\n", interactive: true)
        #expect(status == 0)
        #expect(streams.stderr == "", "\(streams.stderr)")
    }

    @Test("commands: .help, .backend, .load, unknown ones, and .exit stops reading")
    func commands() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onboard-repl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("helpers.lua").path
        try "#!/usr/bin/env onboard\nfunction double(n) return n * 2 end\nreturn 'loaded'\n".write(toFile: file, atomically: true, encoding: .utf8)
        let (status, streams) = try session(".help\n.backend\n.load \(file)\ndouble(21)\n.5\n.frobnicate\n.exit\n1 + 1\n")
        #expect(streams.stdout.contains(".load FILE"))
        #expect(streams.stdout.contains("backend: none\nsession: this process\n"), "\(streams.stdout)")
        #expect(streams.stdout.contains("\"loaded\"\n42\n0.5\n"), "\(streams.stdout)")
        #expect(streams.stderr.contains("unknown command .frobnicate"), "\(streams.stderr)")
        #expect(!streams.stdout.hasSuffix("2\n"), "nothing after .exit runs")
        #expect(status == 1)  // the unknown command counts as a failure in a script
    }

    @Test("a .load of a missing file says so")
    func loadMissing() throws {
        let (_, streams) = try session(".load /nonexistent/flow.lua\n")
        #expect(streams.stderr.contains("cannot open '/nonexistent/flow.lua'"), "\(streams.stderr)")
    }

    @Test("command lines are recognised only as commands")
    func commandParsing() {
        #expect(ReplCommand(".help") == .help)
        #expect(ReplCommand("  .load  flows/a.lua ") == .load("flows/a.lua"))
        #expect(ReplCommand(".exit") == .exit)
        #expect(ReplCommand(".5") == nil)
        #expect(ReplCommand("x.help") == nil)
        #expect(ReplCommand(".nope") == .unknown("nope"))
    }

    @Test("SGR colours survive terminal escaping, other controls do not")
    func colourEscaping() {
        let text = Array("\u{1B}[32m\"ok\"\u{1B}[0m \u{1B}]0;title\u{07}".utf8)
        let escaped = String(decoding: TerminalOutput.escape(text, keepingColours: true), as: UTF8.self)
        #expect(escaped == "\u{1B}[32m\"ok\"\u{1B}[0m \\x1b]0;title\\x07")
        #expect(!String(decoding: TerminalOutput.escape(text), as: UTF8.self).contains("\u{1B}"))
    }
}
