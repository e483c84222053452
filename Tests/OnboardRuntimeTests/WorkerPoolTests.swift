import Foundation
import JSONCodec
import LuaKit
import Testing
@testable import OnboardRuntime

/// The worker pool of `onboard batch`, with the real `onboard sandbox-worker` built beside this bundle:
/// runs reuse started workers, each in a fresh state; a worker that was killed is replaced.
@Suite("The worker pool")
struct WorkerPoolTests {
    /// The `onboard` binary of this build, or nil (a test bundle built without it).
    static let binary: String? = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        if dir.lastPathComponent.hasSuffix(".xctest") { dir = dir.deletingLastPathComponent() }
        let path = dir.appendingPathComponent("onboard").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()

    func script(_ code: String, limits: LuaLimits = LuaLimits(time: .seconds(5))) -> ScriptRun {
        ScriptRun(script: ScriptSource(bytes: Array(code.utf8), chunkName: "=flow", folder: "."), limits: limits)
    }

    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var bytes: [UInt8] = []
        func append(_ b: UnsafeRawBufferPointer) { lock.withLock { bytes += b } }
        var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }
    }

    @Test("ten runs one after another on a pool of two: no process started for a run, and nothing carried from one run to the next")
    func reuse() throws {
        let binary = try #require(Self.binary, "the onboard binary is built with the tests (swift build --build-tests)")
        let fixture = try FlowFixture()
        let pool = WorkerPool(size: 2, supervisor: WorkerSupervisor(executable: binary))
        defer { pool.shutdown() }
        for i in 1...10 {
            let output = Output()
            var run = script("print(leftover, (...).n) leftover = 'from an earlier run'")
            run.row = .object(["n": .integer(Int64(i))])
            let outcome = pool.execute(run, effects: fixture.host, output: { output.append($0) }, stop: RunStopHandle())
            #expect(outcome == .finished(nil), "run \(i): \(outcome)")
            #expect(output.text == "nil\t\(i)\n", "run \(i) starts from a fresh state: \(output.text)")
        }
        #expect(pool.started == 2, "the two started with the pool, none for a run")
        #expect(pool.reused == 9, "every run but the first found a worker that had run before")
    }

    @Test("a worker killed at the time limit or by a stop is not reused; the next run gets a new one")
    func replaced() throws {
        let binary = try #require(Self.binary, "the onboard binary is built with the tests (swift build --build-tests)")
        let fixture = try FlowFixture()
        let pool = WorkerPool(size: 1, supervisor: WorkerSupervisor(executable: binary))
        defer { pool.shutdown() }
        #expect(pool.execute(script("print(1)"), effects: fixture.host, output: { _ in }, stop: RunStopHandle()) == .finished(nil))
        let stuck = pool.execute(script(#"("a"):rep(1000):find(".-.-.-b")"#, limits: LuaLimits(time: .milliseconds(300))),
                                 effects: fixture.host, output: { _ in }, stop: RunStopHandle())
        #expect(stuck == .killedAtDeadline(duringHostCall: nil))
        let stop = RunStopHandle()
        stop.stop()
        guard case .crashed = pool.execute(script("print(2)"), effects: fixture.host, output: { _ in }, stop: stop) else {
            Issue.record("a stopped run ends at once")
            return
        }
        let output = Output()
        #expect(pool.execute(script("print(3)"), effects: fixture.host, output: { output.append($0) }, stop: RunStopHandle()) == .finished(nil))
        #expect(output.text == "3\n")
        #expect(pool.started == 3, "the killed workers were replaced: \(pool.started)")
    }
}
