import Foundation
import LuaKit
import Testing
import YousignAPI
import YousignEmulator
@testable import OnboardRuntime

/// A REPL session in process (the worker runs the same `ReplSession`): lua.c's rules, prompt
/// locals, `_` and `_err`, completion, and Ctrl-C keeping the state.
@Suite("REPL sessions")
struct ReplSessionTests {
    let fixture: FlowFixture
    let engine: LocalReplEngine
    let printed = OutputBuffer()

    init() throws {
        fixture = try FlowFixture()
        let printed = self.printed
        let run = ScriptRun(script: nil, limits: LuaLimits(time: .seconds(120)), stdlibFolder: stdlib,
                            output: { printed.append($0) }, host: fixture.host)
        engine = try LocalReplEngine(run, host: fixture.host)
    }

    /// Runs on a thread of its own: the session's API calls need Swift's cooperative pool,
    /// which a test blocking one of its (two) threads would starve.
    func eval(_ code: String, color: Bool = false) async -> ReplOutcome {
        let engine = self.engine
        return await onThread { engine.evaluate(code, chunkName: "=stdin", color: color, file: false) }
    }

    func complete(_ text: String) async -> ReplCompletion {
        let engine = self.engine
        return await onThread { engine.complete(text) }
    }

    @Test("a line is tried as an expression first; statements print nothing")
    func expressionFirst() async {
        #expect(await eval("1 + 1") == .value("2"))
        #expect(await eval("x = 5") == .value(""))
        #expect(await eval("x * 2") == .value("10"))
        #expect(await eval("'Kelly'") == .value("\"Kelly\""))
        #expect(await eval("nil") == .value("nil"))
        #expect(await eval("print('hi')") == .value(""))
        #expect(printed.text == "hi\n")
    }

    @Test("several results are all shown")
    func severalResults() async {
        #expect(await eval("1, 'a', nil") == .value("1, \"a\", nil"))
    }

    @Test("an unfinished statement asks for more; the whole text then runs once")
    func multiLine() async {
        #expect(await eval("function f()") == .incomplete)
        #expect(await eval("function f()\n  return 42") == .incomplete)
        #expect(await eval("function f()\n  return 42\nend") == .value(""))
        #expect(await eval("f()") == .value("42"))
        #expect(await eval("t = {") == .incomplete)
    }

    @Test("a syntax error that is not about the end of input is reported at once")
    func syntaxError() async {
        guard case .syntax(let message) = await eval("x = = 1") else { Issue.record("not a syntax error"); return }
        #expect(message.contains("stdin:1:"), "\(message)")
    }

    @Test("a local typed at the prompt stays visible to later lines and functions, without becoming a global")
    func promptLocals() async {
        #expect(await eval("local a = 10") == .value(""))
        #expect(await eval("a * 2") == .value("20"))
        #expect(await eval("local function sq(n) return n * n end") == .value(""))
        #expect(await eval("sq(a)") == .value("100"))
        #expect(await eval("function get_a() return a end") == .value(""))
        #expect(await eval("a = 11") == .value(""))
        #expect(await eval("get_a()") == .value("11"))
        #expect(await eval("rawget(_G, 'a')") == .value("nil"))
        #expect(await eval("local y") == .value(""))
        #expect(await eval("y == nil") == .value("true"))
        // real locals inside a line or a block are untouched
        #expect(await eval("do local inner = 1 end; return inner") == .value("nil"))
    }

    @Test("_ holds the last result and _err the last error object")
    func lastResultAndError() async {
        #expect(await eval("{ 10, 20, 30 }") == .value("{ 10, 20, 30 }"))
        #expect(await eval("_[2]") == .value("20"))
        guard case .failed(let error) = await eval("error({ code = 7 })") else { Issue.record("no failure"); return }
        #expect(error.status == .runtime)
        #expect(await eval("_err.code") == .value("7"))
    }

    @Test("a runtime error names the line and needs no traceback at the prompt")
    func runtimeError() async {
        guard case .failed(let error) = await eval("local n = nil\nreturn n + 1") else { Issue.record("no failure"); return }
        #expect(error.message.contains("stdin:2:"), "\(error.message)")
        #expect(error.traceback == nil, "\(error.traceback ?? "")")
        #expect(await eval("function boom() error('deep') end") == .value(""))
        guard case .failed(let deep) = await eval("boom()") else { Issue.record("no failure"); return }
        #expect(deep.message == "stdin:1: deep")
        #expect(deep.traceback?.contains("stdin:1: in global 'boom'") == true, "\(deep.traceback ?? "")")
        #expect(await eval("function outer() local v = boom() return v end") == .value(""))
        guard case .failed(let nested) = await eval("outer()") else { Issue.record("no failure"); return }
        #expect(nested.traceback?.contains("stdin:1: in global 'boom'") == true, "\(nested.traceback ?? "")")
        #expect(deep.traceback?.contains("repl.lua") == false && deep.traceback?.contains("[C]") == false)
    }

    @Test("interrupting a running statement keeps the session's state")
    func interrupt() async throws {
        #expect(await eval("kept = 41") == .value(""))
        let box = OutcomeBox()
        let engine = self.engine
        let thread = Thread { box.set(engine.evaluate("while true do end", chunkName: "=stdin", color: false, file: false)) }
        thread.start()
        try await Task.sleep(for: .milliseconds(300))
        engine.interrupt()
        let outcome = try #require(await onThread { box.wait(seconds: 10) })
        guard case .failed(let error) = outcome else { Issue.record("not interrupted: \(outcome)"); return }
        #expect(error.status == .limit(.cancelled))
        #expect(await eval("kept + 1") == .value("42"))
    }

    @Test("Ctrl-C also ends a long wait on a backend whose clock is real, and the session goes on")
    func interruptWait() async throws {
        let emulator = fixture.emulator
        let host = FlowHost.emulator(transport: InProcessTransport { await emulator.handle($0) }, key: Fixtures.defaultAPIKey,
                                     advancing: false, description: BackendDescription(kind: .servedEmulator, location: "test"),
                                     files: try FileAccess(root: fixture.folder, read: [], write: []))
        let run = ScriptRun(script: nil, limits: LuaLimits(time: .seconds(60)), stdlibFolder: stdlib, output: { _ in }, host: host)
        let engine = try LocalReplEngine(run, host: host)
        let box = OutcomeBox()
        let thread = Thread {
            box.set(engine.evaluate("yousign.wait(function() return 1 end, function() return false end, { interval = '120s' })",
                                    chunkName: "=stdin", color: false, file: false))
        }
        thread.start()
        try await Task.sleep(for: .milliseconds(500))
        engine.interrupt()
        // ended well before the 120 s the sleep asked for
        let outcome = try #require(await onThread { box.wait(seconds: 30) })
        guard case .failed(let error) = outcome else { Issue.record("not interrupted: \(outcome)"); return }
        #expect(error.status == .limit(.cancelled))
        #expect(await onThread { engine.evaluate("1 + 1", chunkName: "=stdin", color: false, file: false) } == .value("2"))
    }

    @Test("the yousign module works at the prompt and its ids are offered inside quotes")
    func yousignAndIds() async {
        let created = await eval("sr = yousign.signature_requests.create{ name = 'Kelly contract', delivery_mode = 'none' }")
        #expect(created == .value(""), "\(created)")
        guard case .value(let id) = await eval("sr.id") else { Issue.record("no id"); return }
        #expect(await eval("sr.status") == .value("\"draft\""))
        let bare = id.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        // ids are remembered from the tables a line assigns and from printed results
        let completion = await complete("yousign.signature_requests.get(\"")
        #expect(completion.candidates.contains { $0.hasPrefix(bare) }, "\(completion)")
        // an API error at the prompt: the line's own location, no traceback through the stdlib
        guard case .failed(let notFound) = await eval("yousign.signature_requests.get('nope')") else {
            Issue.record("no failure"); return
        }
        #expect(notFound.message.hasPrefix("stdin:1: GET /v3/signature_requests/nope: 404"), "\(notFound.message)")
        #expect(notFound.traceback == nil, "\(notFound.traceback ?? "")")
    }

    @Test("completion: globals, fields at any depth, methods after a colon")
    func completion() async {
        let fields = await complete("yousign.signature_requests.")
        #expect(fields.replacing == 0)
        #expect(fields.candidates.contains("create") && fields.candidates.contains("get") && fields.candidates.contains("list"), "\(fields)")
        let partial = await complete("x = yousign.sig")
        #expect(partial.replacing == 3)
        #expect(partial.candidates.contains("signature_requests"), "\(partial)")
        #expect(await complete("pri").candidates == ["print"])
        #expect(await eval("local s = 'abc'") == .value(""))
        #expect(await complete("s:up").candidates == ["upper"])
        #expect(await eval("t = { ['two words'] = 1, alpha = 2 }") == .value(""))
        #expect(await complete("t[\"tw").candidates == ["two words\"]"])
        #expect(await complete("nothing.here.").candidates == [])
    }

    @Test("results are coloured only when asked, and secrets are redacted")
    func colourAndSecrets() async {
        guard case .value(let coloured) = await eval("{ name = 'Kelly', n = 1 }", color: true) else { Issue.record("no value"); return }
        #expect(coloured.contains("\u{1B}["))
        guard case .value(let plain) = await eval("{ name = 'Kelly', n = 1 }") else { Issue.record("no value"); return }
        #expect(!plain.contains("\u{1B}"))
        guard case .value(let secret) = await eval("{ api_key = 'sk_live_123', secret_key = 'whsec', name = 'x' }") else { Issue.record("no value"); return }
        #expect(!secret.contains("sk_live_123") && !secret.contains("whsec"), "\(secret)")
        #expect(secret.contains("<redacted>"))
    }

    @Test("a file loaded with .load runs as statements")
    func fileMode() async {
        let engine = self.engine
        #expect(await onThread { engine.evaluate("x = 1\nreturn x + 1", chunkName: "@helpers.lua", color: false, file: true) } == .value("2"))
        guard case .syntax(let message) = await onThread({ engine.evaluate("function f()", chunkName: "@bad.lua", color: false, file: true) }) else {
            Issue.record("an unfinished file must be a syntax error"); return
        }
        #expect(message.contains("bad.lua:1:") && message.contains("<eof>"), "\(message)")
    }
}

final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var outcome: ReplOutcome?
    private let done = DispatchSemaphore(value: 0)
    func set(_ value: ReplOutcome) {
        lock.withLock { outcome = value }
        done.signal()
    }
    func wait(seconds: Double) -> ReplOutcome? {
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        return lock.withLock { outcome }
    }
}

/// Runs `body` on a new thread and waits for it without holding a cooperative thread.
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}
