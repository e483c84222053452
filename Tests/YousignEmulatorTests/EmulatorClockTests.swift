import Foundation
import JSONCodec
import Testing
import YousignWire
@testable import YousignEmulator

@Suite("The emulator clock: advance, reset, and its offset in a file state")
struct EmulatorClockTests {
    @Test("POST /_emulator/clock/reset puts the clock back on its base and keeps the store")
    func resetRoute() async throws {
        let api = try TestAPI()
        try await api.advance(seconds: 3 * 86_400)
        let s = try await api.post("/v3/workflow_sessions", .object([
            "workflow_template_id": .string(Fixtures.customerOnboardingTemplateID), "name": "Kelly"]))
        #expect(s["created_at"] == "2026-01-04T00:00:00+00:00")
        #expect(api.emulator.clockOffset == 3 * 86_400)

        let reset = try await api.call("POST", "/_emulator/clock/reset", auth: false)
        #expect(reset.status == 200, "\(reset)")
        #expect(reset.json == .object(["now": "2026-01-01T00:00:00+00:00", "unix": 1_767_225_600, "offset_seconds": .double(0)]))
        #expect(try await api.call("GET", "/_emulator/clock", auth: false).json == reset.json)
        #expect(api.emulator.clockOffset == 0)
        // the store is untouched: the session keeps its (now future) date
        let kept = try await api.get("/v3/workflow_sessions/\(s.id)")
        #expect(kept.status == 200)
        #expect(kept["created_at"] == "2026-01-04T00:00:00+00:00")
        #expect(try await api.call("GET", "/_emulator/clock/reset", auth: false).status == 405)
    }

    @Test("after a reset, what already fired stays done and a timer still to come waits for the base clock")
    func resetAndTimers() async throws {
        let api = try TestAPI(verificationDelay: 120)
        let fired = try await api.identityDocument("verified_id_document_verification.pdf")
        #expect(fired["status"] == "pending")
        try await api.advance(seconds: 3600)
        #expect(try await api.get("/v3/verifications/identity_documents/\(fired.id)")["status"] == "verified")
        // due at base + 3600 + 120
        let later = try await api.identityDocument("verified_id_document_verification.pdf")
        #expect(try await api.call("POST", "/_emulator/clock/reset", auth: false).status == 200)

        #expect(try await api.get("/v3/verifications/identity_documents/\(fired.id)")["status"] == "verified")
        try await api.advance(seconds: 120)
        #expect(try await api.get("/v3/verifications/identity_documents/\(later.id)")["status"] == "pending")
        try await api.advance(seconds: 3600)
        #expect(try await api.get("/v3/verifications/identity_documents/\(later.id)")["status"] == "verified")
    }

    @Test("the advance is refused when it is not a number of seconds, 0 or more")
    func advanceValidation() async throws {
        let api = try TestAPI()
        for body: JSONValue in [.object([:]), .object(["seconds": -1]), .object(["seconds": "60"])] {
            let r = try await api.call("POST", "/_emulator/clock/advance", json: body, auth: false)
            #expect(r.status == 400, "\(body)")
            #expect(r["invalid_params"]?[0]?["name"] == "seconds")
        }
        let text = try await api.call("POST", "/_emulator/clock/advance", headers: ["Content-Type": "text/plain"],
                                      body: Array("60".utf8), auth: false)
        #expect(text.status == 415)
        #expect(api.emulator.clockOffset == 0)
    }

    @Test("a file state reopens with its clock offset, and with 0 after resetClock()")
    func offsetPersists() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("emu-clock-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let config = EmulatorConfiguration(storage: .file(path), clock: FixedClock())
        do {
            let emulator = try YousignEmulator(config)
            let r = await emulator.handle(WireRequest(method: "POST", target: "/_emulator/clock/advance",
                                                      headers: ["Content-Type": "application/json"], body: Array(#"{"seconds": 86400}"#.utf8)))
            #expect(r.status == 200)
        }
        do {
            let reopened = try YousignEmulator(config)
            #expect(reopened.clockOffset == 86_400)
            #expect(reopened.now == FixedClock().instant.addingTimeInterval(86_400))
            try await reopened.resetClock()
            #expect(reopened.clockOffset == 0)
        }
        let again = try YousignEmulator(config)
        #expect(again.clockOffset == 0)
        #expect(again.now == FixedClock().instant)
    }
}
