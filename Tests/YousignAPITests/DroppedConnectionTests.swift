import Foundation
import JSONCodec
import Testing
import YousignEmulator
import YousignEmulatorServer
import YousignWire
@testable import YousignAPI

/// A `drop` fault loses the response of a request the emulator acted on. Both transports must
/// report it the same way, as `.failed` (the outcome unknown), so the client never sends the
/// POST again, and the session it created is there.
@Suite("A dropped connection is an unknown outcome on both transports")
struct DroppedConnectionTests {
    static let create = APICall(method: "POST", path: "/v3/workflow_sessions", body: .json(Array(
        #"{"workflow_template_id":"\#(Fixtures.customerOnboardingTemplateID)","name":"Kelly Smith"}"#.utf8)))
    static let drop: JSONValue = ["drop": true, "method": "POST", "path": "/workflow_sessions"]

    /// Adds the drop rule, sends the POST through `transport` (raw, then through the client),
    /// and checks what came back and what the emulator holds.
    func check(_ transport: any Transport) async throws {
        let clock = RecordingClock()
        let client = YousignClient(transport: transport, apiKey: APIKey(Fixtures.defaultAPIKey), clock: clock)
        let control = EmulatorControl(client: YousignClient(transport: transport, apiKey: APIKey(Fixtures.defaultAPIKey), retry: .none))
        _ = try await control.addFault(Self.drop)

        let request = try client.wireRequest(Self.create)
        await #expect(throws: TransportError.self) { _ = try await transport.send(request, timeout: .seconds(10)) }
        do {
            _ = try await transport.send(request, timeout: .seconds(10))
        } catch {
            Issue.record("the rule was used up: the second send should have succeeded, got \(error)")
        }
        _ = try await control.addFault(Self.drop)
        var kind: TransportError.Kind?
        do { _ = try await transport.send(request, timeout: .seconds(10)) } catch { kind = error.kind }
        #expect(kind == .failed)

        _ = try await control.addFault(Self.drop)
        do {
            _ = try await client.send(Self.create)
            Issue.record("the dropped POST succeeded")
        } catch {
            #expect(error.type == "transport.error")
            #expect(error.status == nil)
        }
        #expect(clock.slept.isEmpty, "a POST whose response was lost is not sent again")
        guard case .json(let bytes) = try await client.send(APICall(method: "GET", path: "/v3/workflow_sessions")) else {
            Issue.record("the list is not JSON")
            return
        }
        #expect(try JSONValue(parsing: bytes)["data"]?.arrayValue?.count == 4, "every request was acted on, the dropped ones included")
    }

    @Test("in process: the transport throws .failed for a dropped response")
    func inProcess() async throws {
        let emulator = try YousignEmulator(EmulatorConfiguration(storage: .memory))
        try await check(InProcessTransport { await emulator.handle($0) })
    }

    @Test("over HTTP (onboard serve's server): the connection closes and AsyncHTTPClient reports .failed")
    func overHTTP() async throws {
        let emulator = try YousignEmulator(EmulatorConfiguration(storage: .memory))
        try await EmulatorServer(emulator: emulator, host: "127.0.0.1", port: 0).withRunning { port in
            try await check(try HTTPTransport(baseURL: "http://127.0.0.1:\(port)/v3"))
        }
    }

    @Test("the in-process message says what happened")
    func message() async throws {
        let emulator = try YousignEmulator(EmulatorConfiguration(storage: .memory))
        let transport = InProcessTransport { await emulator.handle($0) }
        let client = YousignClient(transport: transport, apiKey: APIKey(Fixtures.defaultAPIKey), clock: RecordingClock())
        _ = try await EmulatorControl(client: client).addFault(Self.drop)
        await #expect(throws: YousignError(status: nil, type: "transport.error",
                                           detail: "the embedded emulator closed the connection before the response came (a drop fault)",
                                           method: "POST", path: "/v3/workflow_sessions")) {
            _ = try await client.send(Self.create)
        }
    }
}
