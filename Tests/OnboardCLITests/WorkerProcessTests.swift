import Foundation
import Testing

/// Scripts run in a worker process: what no hook can stop is killed from outside, and a dying
/// worker is reported while the parent carries on.
@Suite("onboard run: the worker process")
struct WorkerProcessTests {
    @Test("slow C calls end within the time limit plus a second, with a clear error", arguments: [
        #"("a"):rep(1000):find(".-.-.-b")"#,
        #"string.rep("", 1e15)"#,
        #"table.move({}, 1, 1e13, 1, {})"#,
    ])
    func slowCalls(code: String) async throws {
        let (r, elapsed) = try await CLI.onboardTimed(["run", "--time-limit", "1s", "-e", "print('started')", "-e", code])
        #expect(r.status == 3, "\(r)")
        #expect(r.stdout == "started\n", "output before the stuck call still arrives: \(r)")
        #expect(r.stderr.contains("time limit exceeded (--time-limit 1s): the script was stuck in a call that cannot be interrupted, and its worker process was killed"), "\(r)")
        // a stuck call would run for hours; on a loaded machine the process's own start and end
        // take a good part of a second
        #expect(elapsed < 4, "took \(elapsed) s")
    }

    @Test("an ordinary limit still reads as before through the worker")
    func ordinaryLimits() async throws {
        let r = try await CLI.onboardAsync(["run", "--time-limit", "300ms", "-e", "while true do end"])
        #expect(r.status == 3)
        #expect(r.stderr.contains("time limit exceeded (--time-limit 300ms)"), "\(r)")
        let m = try await CLI.onboardAsync(["run", "--memory-limit", "16MB", "-e", "local t = {} for i = 1, 1e8 do t[i] = ('x'):rep(64) .. i end"])
        #expect(m.status == 3)
        #expect(m.stderr.contains("memory limit exceeded (--memory-limit 16MB)"), "\(m)")
    }

    @Test("--no-worker runs in process: same results for the same script")
    func inProcess() async throws {
        let code = "print(yousign.backend) print(#yousign.workflow_templates.list().data, os.time() > 0)"
        let a = try await CLI.onboardAsync(["run", "--ephemeral", "-e", code])
        let b = try await CLI.onboardAsync(["run", "--ephemeral", "--no-worker", "-e", code])
        #expect(a.status == 0 && b.status == 0, "\(a)\n\(b)")
        #expect(a.stdout == b.stdout)
        #expect(a.stdout == "embedded emulator (in memory)\n3\ttrue\n")
    }

    @Test("a script has no way to the environment: no os.getenv, io or debug")
    func emptyEnvironment() async throws {
        // the worker's own environment is empty (WorkerSupervisorTests); the sandbox has no reader either
        let folder = try TempFolder()
        let r = try await CLI.onboardAsync(["run", "--ephemeral", "-e", "print(type(os.getenv), type(io), type(debug))"],
                                in: folder.url, environment: ["YOUSIGN_API_KEY": "sk_test_worker_never_sees"])
        #expect(r.stdout == "nil\tnil\tnil\n", "\(r)")
    }
}
