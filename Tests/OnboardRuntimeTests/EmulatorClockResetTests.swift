import Foundation
import JSONCodec
import Testing
@testable import OnboardRuntime

@Suite("emulator.reset_clock() from Lua")
struct EmulatorClockResetTests {
    @Test("reset_clock puts the flow's clock back on real time, answers like the clock, and keeps the store")
    func resetClock() async throws {
        let fixture = try FlowFixture()
        let outcome = await runFlow("""
            local t0 = os.time()
            emulator.advance(5 * 86400)
            assert(os.time() - t0 >= 5 * 86400)
            local hook = yousign.webhooks.create{ endpoint = "https://hooks.example.com/yousign", description = "CRM", sandbox = true,
              subscribed_events = { "signature_request.activated" }, scopes = { "public_api" }, auto_retry = true, enabled = true }
            local clock = emulator.reset_clock()
            print(clock.offset_seconds, math.abs(clock.unix - t0) <= 10, math.abs(os.time() - t0) <= 10, type(clock.now))
            print(yousign.webhooks.get(hook.id).id == hook.id)
            """, host: fixture.host)
        #expect(outcome.error == nil, "\(outcome.error?.message ?? "")")
        #expect(outcome.output == "0.0\ttrue\ttrue\tstring\ntrue\n")
        #expect(fixture.emulator.clockOffset == 0)
    }

    @Test("the worker carries reset_clock across its pipe")
    func workerMessage() throws {
        let encoded = WorkerMessages.encode(ControlAction.resetClock)
        #expect(encoded["action"] == "reset_clock")
        #expect(try WorkerMessages.decodeAction(encoded) == .resetClock)
    }
}
