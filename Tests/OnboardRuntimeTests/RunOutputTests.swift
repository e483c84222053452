import Foundation
import OnboardRuns
import OnboardRuntime
import Testing

@Suite struct RunOutputTests {
    func write(_ output: RunOutput, _ text: String) {
        Array(text.utf8).withUnsafeBytes { output.write($0) }
    }

    @Test func theStoreKeepsUpToItsCapAndCountsEverything() {
        let shown = OutputBuffer()
        let output = RunOutput(cap: 10, sink: { shown.append($0) })
        write(output, "0123456")
        write(output, "789abcdef")
        #expect(shown.text == "0123456789abcdef")
        #expect(String(decoding: output.take(), as: UTF8.self) == "0123456789")
        #expect(output.take().isEmpty && output.total == 16)
    }

    @Test func aResumedRunDoesNotPrintNorKeepWhatItPrintedBefore() {
        let shown = OutputBuffer()
        // the first attempt printed 5 bytes and the store kept them
        let output = RunOutput(alreadyPrinted: 5, alreadyKept: 5, cap: 8, sink: { shown.append($0) })
        write(output, "012")
        write(output, "3456789")
        #expect(shown.text == "56789")
        #expect(String(decoding: output.take(), as: UTF8.self) == "567")
        #expect(output.total == 10)
    }

    @Test func aRunCancelledWhileItGoesOnStopsAtItsNextEffect() async throws {
        let f = try JournalFixture()
        let run = try f.newRun()
        let effects = JournaledEffects(host: try f.host(), store: f.store, runID: run.id,
                                       output: RunOutput(cap: 100, sink: { _ in }))
        // effects block their caller until the API answers on Swift's pool: called from a thread
        // of their own, as the Lua thread calls them, never from one of the pool's few threads
        let sent = f.sent.withLock { $0.count }
        let store = f.store
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<FlowResult, FlowFailure>, Never>) in
            Thread {
                _ = effects.now()
                _ = try? store.cancel(run.id)
                continuation.resume(returning: effects.perform(
                    FlowCall(call: .init(method: "POST", path: "/v3/workflow_sessions", body: .json(Array("{}".utf8))))))
            }.start()
        }
        #expect(effects.stop?.kind == .cancelled)
        guard case .failure(.message(let message)) = result else { Issue.record("\(result)"); return }
        #expect(message.contains("was cancelled"))
        // nothing reached the API, and every later effect fails the same way
        #expect(f.sent.withLock { $0.count } == sent + 1)  // the clock read, nothing after
        #expect(effects.env("X") == .failure(.message(message)))
        #expect(try f.store.run(run.id)?.status == .cancelled)
    }
}
