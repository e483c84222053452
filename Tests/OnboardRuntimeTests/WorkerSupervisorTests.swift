import Foundation
import LuaKit
import Testing
@testable import OnboardRuntime

/// The supervisor against workers that misbehave: stand-ins that crash, print garbage or spy
/// on their environment. The parent must survive each with a clear outcome.
@Suite("The worker supervisor")
struct WorkerSupervisorTests {
    func run(_ shell: String, limits: LuaLimits = LuaLimits(time: .seconds(5))) throws -> WorkerSupervisor.Outcome {
        let fixture = try FlowFixture()
        let supervisor = WorkerSupervisor(executable: "/bin/sh", arguments: ["-c", shell])
        let script = ScriptRun(script: ScriptSource(bytes: Array("print(1)".utf8), chunkName: "=t", folder: "."), limits: limits)
        return supervisor.execute(script, effects: fixture.host, output: { _ in })
    }

    @Test("a worker that dies on a signal is reported as a crash")
    func crash() throws {
        guard case .crashed(let why) = try run("cat >/dev/null & kill -SEGV $$") else { Issue.record("not a crash"); return }
        #expect(why.contains("signal 11"), "\(why)")
    }

    @Test("a worker that writes garbage or exits early is reported, not trusted")
    func garbage() throws {
        guard case .crashed(let why) = try run("printf 'not a frame at all, just text'; exit 0") else { Issue.record("not reported"); return }
        #expect(why.contains("before the script finished"), "\(why)")
        guard case .crashed = try run("exit 3") else { Issue.record("not reported"); return }
    }

    @Test("a worker that hangs is killed at the time limit plus half a second after it started the script")
    func hang() throws {
        let started = Date()
        // the `started` frame (a 16-byte header, no blob), then nothing
        let outcome = try run(#"printf '\000\000\000\020\000\000\000\000{"op":"started"}'; exec sleep 30"#,
                              limits: LuaLimits(time: .milliseconds(300)))
        #expect(outcome == .killedAtDeadline(duringHostCall: nil))
        #expect(Date().timeIntervalSince(started) < 3)
    }

    @Test("the worker starts with an empty environment")
    func environment() throws {
        setenv("YOUSIGN_API_KEY", "sk_test_parent_only", 1)
        defer { unsetenv("YOUSIGN_API_KEY") }
        guard case .crashed(let why) = try run("env >&2; exit 1") else { Issue.record("not reported"); return }
        #expect(!why.contains("sk_test_parent_only"), "\(why)")
        #expect(!why.contains("YOUSIGN"), "\(why)")
    }

    @Test("terminal output: escapes, C1 and bidi controls are shown, not obeyed")
    func terminalEscaping() {
        let input = Array("ok\n\u{1B}[2J\tx\u{7}\u{202E}evil\u{2066}\u{85}é".utf8)
        let out = String(decoding: TerminalOutput.escape(input), as: UTF8.self)
        #expect(out == "ok\n\\x1b[2J\tx\\x07\\u{202e}evil\\u{2066}\\u{85}é")
    }
}
