import Foundation
import OnboardRuns
import Testing
import YousignWire
@testable import OnboardRuntime

/// Webhook deliveries as `onboard worker` will take them: refused with the right status and
/// nothing stored, or stored once however often Yousign repeats them.
@Suite("Webhook intake")
struct WebhookIntakeTests {
    static let secret = Array("acme-secret-0123456789abcdef0123".utf8)

    func intake() throws -> WebhookIntake {
        WebhookIntake(store: try RunStore.open(path: nil), secrets: ["acme": Self.secret])
    }

    static func event(_ id: String = UUID().uuidString, name: String = "signature_request.done") -> [UInt8] {
        Array(#"{"event_id":"\#(id)","event_name":"\#(name)","event_time":"1670855889","sandbox":true,"data":{"signature_request":{"id":"sr1"}}}"#.utf8)
    }

    static func sign(_ body: [UInt8], _ secret: [UInt8] = secret) -> String { WebhookSignature.sign(body: body, secret: secret) }

    @Test("a signed event is stored before the answer; Yousign's retry of it is acknowledged and not stored again")
    func storedOnce() throws {
        let intake = try intake()
        let body = Self.event("e-1")
        #expect(intake.receive(client: "acme", body: body, signature: Self.sign(body)) == .stored(eventID: "e-1", name: "signature_request.done"))
        #expect(intake.receive(client: "acme", body: body, signature: Self.sign(body)) == .duplicate(eventID: "e-1"))
        let stored = try intake.store.events(client: "acme")
        #expect(stored.count == 1 && stored[0].body == body && stored[0].processedAt == nil)
        let pending = try intake.store.pendingEvents()
        #expect(pending.map(\.eventID) == ["e-1"])
        #expect(try intake.store.markProcessed(pending[0].seq))
        #expect(try !intake.store.markProcessed(pending[0].seq), "taken once only")
        #expect(try intake.store.pendingEvents().isEmpty)
    }

    @Test("bad signature, no signature, 10 MB, a client that does not exist, not an event: the right status, nothing stored")
    func refused() throws {
        let intake = try intake()
        let body = Self.event("e-2")
        let big = [UInt8](repeating: 0x20, count: 10 << 20)
        let garbage = Array("[1, 2, 3]".utf8)
        let cases: [(String, [UInt8], String?, Int)] = [
            ("acme", body, Self.sign(body, Array("another secret".utf8)), 401),
            ("acme", body, nil, 401),
            ("acme", body, "sha256=" + String(repeating: "0", count: 64), 401),
            ("acme", body + [0x20], Self.sign(body), 401),
            ("acme", big, Self.sign(big), 413),
            ("globex", body, Self.sign(body), 404),
            ("acme", garbage, Self.sign(garbage), 400),
        ]
        for (client, bytes, signature, status) in cases {
            let outcome = intake.receive(client: client, body: bytes, signature: signature)
            #expect(outcome.status == status, "\(client), \(bytes.count) bytes: \(outcome)")
        }
        #expect(try intake.store.events(client: "acme").isEmpty)
        #expect(try intake.store.events(client: "globex").isEmpty)
    }
}
