import Foundation
import LuaKit
import Synchronization
import Testing
import YousignAPI
import YousignWire
@testable import OnboardRuntime

/// Ctrl-C while an API call is in flight: the call stops at once, and what the user sees names
/// it, saying whether it may have reached Yousign.
@Suite("Ctrl-C during an API call")
struct InterruptedCallTests {
    /// A Yousign that takes a minute to answer unless the call is cancelled; counts requests.
    final class SlowYousign: Transport {
        let name = "slow"
        let requests = Atomic<Int>(0)

        func send(_ request: WireRequest, timeout: Duration) async throws(TransportError) -> WireResponse {
            requests.add(1, ordering: .sequentiallyConsistent)
            do { try await Task.sleep(for: .seconds(60)) } catch { throw TransportError(.cancelled, "cancelled") }
            return WireResponse(status: 200, headers: ["Content-Type": "application/json"], body: Array("{}".utf8))
        }

        /// Waits (off the cooperative pool) until a request has arrived.
        func waitForRequest() async {
            while requests.load(ordering: .sequentiallyConsistent) == 0 { try? await Task.sleep(for: .milliseconds(10)) }
        }
    }

    let slow = SlowYousign()
    let host: FlowHost

    init() throws {
        host = FlowHost(backend: BackendDescription(kind: .yousign, location: "test"),
                        client: YousignClient(transport: slow, apiKey: APIKey("test-key-123456")), control: nil,
                        clock: SystemWaitClock(), files: try FileAccess(root: NSTemporaryDirectory()))
    }

    func engine() throws -> LocalReplEngine {
        try LocalReplEngine(ScriptRun(script: nil, limits: LuaLimits(time: .seconds(120)), stdlibFolder: stdlib,
                                      output: { _ in }, host: host), host: host)
    }

    /// Evaluates `code` on a thread, interrupts it once its request is in flight, and returns
    /// the outcome and how long the statement took to end after the interrupt. The server never
    /// answers, so only the cancel can end it; the bound (10 s) leaves room for a loaded machine
    /// (the cancelled call resumes on Swift's pool, which the rest of the suite shares): how fast
    /// it is, is measured, not asserted (0.1-0.3 s here).
    func interrupting(_ code: String, in engine: LocalReplEngine) async throws -> (ReplOutcome, Duration) {
        let box = OutcomeBox()
        Thread { box.set(engine.evaluate(code, chunkName: "=stdin", color: false, file: false)) }.start()
        await slow.waitForRequest()
        let interrupted = ContinuousClock.now
        await onThread { engine.interrupt() }
        let outcome = try #require(await onThread { box.wait(seconds: 10) })
        return (outcome, interrupted.duration(to: .now))
    }

    @Test("the host's call fails at once as interrupted, and the host hands the error on once")
    func hostCall() async throws {
        let host = self.host
        let post = FlowCall(call: APICall(method: "DELETE", path: "/v3/signature_requests/abc"))
        let result = Mutex<Result<FlowResult, FlowFailure>?>(nil)
        let thread = Thread { result.withLock { $0 = host.perform(post) } }
        thread.start()
        await slow.waitForRequest()
        let interrupted = ContinuousClock.now
        await onThread { host.interruptWaits() }
        #expect(interrupted.duration(to: .now) < .seconds(10))
        let expected = "DELETE /v3/signature_requests/abc: interrupted: stopped before the response came; the DELETE may have reached Yousign; check before retrying"
        #expect(host.takeInterruption()?.description == expected)
        #expect(host.takeInterruption() == nil)
        while result.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
        guard case .failure(.api(let error))? = result.withLock({ $0 }) else { Issue.record("not a failure"); return }
        #expect(error.description == expected)
    }

    @Test("at the prompt, a POST stopped by Ctrl-C is named and may have reached Yousign; the session goes on")
    func replPost() async throws {
        let engine = try engine()
        let (outcome, took) = try await interrupting("yousign.workflow_sessions.create{ name = 'Kelly', workflow_template_id = 't' }",
                                                     in: engine)
        #expect(took < .seconds(10))
        guard case .failed(let error) = outcome else { Issue.record("not a failure: \(outcome)"); return }
        #expect(error.message == "stdin:1: POST /v3/workflow_sessions: interrupted: stopped before the response came; the POST may have reached Yousign; check before retrying")
        #expect(await onThread { engine.evaluate("1 + 1", chunkName: "=stdin", color: false, file: false) } == .value("2"))
    }

    @Test("at the prompt, a GET stopped by Ctrl-C is named, with nothing about reaching Yousign")
    func replGet() async throws {
        let (outcome, took) = try await interrupting("yousign.workflow_templates.list()", in: try engine())
        #expect(took < .seconds(10))
        guard case .failed(let error) = outcome else { Issue.record("not a failure: \(outcome)"); return }
        #expect(error.message == "stdin:1: GET /v3/workflow_templates: interrupted: stopped before the response came")
    }

    @Test("Ctrl-C with no call in flight is the plain interrupt it was")
    func replLoop() async throws {
        let engine = try engine()
        let box = OutcomeBox()
        Thread { box.set(engine.evaluate("while true do end", chunkName: "=stdin", color: false, file: false)) }.start()
        try await Task.sleep(for: .milliseconds(200))
        engine.interrupt()
        let outcome = try #require(await onThread { box.wait(seconds: 10) })
        guard case .failed(let error) = outcome else { Issue.record("not a failure: \(outcome)"); return }
        #expect(error.status == .limit(.cancelled))
    }
}
