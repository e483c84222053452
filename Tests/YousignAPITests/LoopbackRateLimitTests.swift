import Foundation
import Testing
import YousignEmulator
import YousignEmulatorServer
import YousignWire
@testable import YousignAPI

/// The client against a served emulator with Yousign's sandbox limits (30 a minute), over real
/// HTTP. Waits move the emulator's clock, so the minute passes at once.
@Suite("Rate limits over loopback against --rate-limit sandbox")
struct LoopbackRateLimitTests {
    /// Records the status of every response that comes back.
    final class Recording: Transport, @unchecked Sendable {
        let inner: HTTPTransport
        private let lock = NSLock()
        private var seen: [Int] = []
        init(_ inner: HTTPTransport) { self.inner = inner }
        var name: String { inner.name }
        func send(_ request: WireRequest, timeout: Duration) async throws(TransportError) -> WireResponse {
            let response = try await inner.send(request, timeout: timeout)
            if request.path.hasPrefix("/v3/") { lock.withLock { seen.append(response.status) } }
            return response
        }
        var statuses: [Int] { lock.withLock { seen } }
    }

    func withServer(_ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let emulator = try YousignEmulator(EmulatorConfiguration(storage: .memory, rateLimit: .sandbox))
        let server = EmulatorServer(emulator: emulator, host: "127.0.0.1", port: 0)
        try await server.withRunning { port in try await body(port) }
    }

    static func client(port: Int) throws -> (YousignClient, Recording, EmulatorControl) {
        let transport = Recording(try HTTPTransport(baseURL: "http://127.0.0.1:\(port)/v3"))
        let control = EmulatorControl(client: YousignClient(transport: transport, apiKey: APIKey(Fixtures.defaultAPIKey), retry: .none))
        let client = YousignClient(transport: transport, apiKey: APIKey(Fixtures.defaultAPIKey),
                                   clock: EmulatorWaitClock(control: control, advancing: true))
        return (client, transport, control)
    }

    @Test("the limiter follows the RateLimit headers: 45 calls, no 429, the client waited for the next minute")
    func headersPreventRefusals() async throws {
        try await withServer { port in
            let (client, transport, control) = try Self.client(port: port)
            let before = try await control.now()
            let list = try #require(Operation.named("workflow_templates.list"))
            for _ in 0..<45 { _ = try await client.send(try list.call(pathArguments: [])) }
            #expect(transport.statuses.count == 45)
            #expect(!transport.statuses.contains(429))
            #expect(try await control.now() - before >= 1)
        }
    }

    @Test("a 429 is retried after Retry-After, even for a POST, and then succeeds")
    func retryAfterA429() async throws {
        try await withServer { port in
            let (first, _, control) = try Self.client(port: port)
            let list = try #require(Operation.named("workflow_templates.list"))
            // the minute starts now on the emulator clock, so that its quota cannot reset between
            // the 30 calls and the POST on a slow machine (windows are fixed: API.md §2.7)
            let into = try await control.now().truncatingRemainder(dividingBy: 60)
            if into > 0.5 { _ = try await control.advance(seconds: 60 - into + 0.05) }
            // another client uses up the minute's quota; this one's limiter knows nothing of it
            for _ in 0..<30 { _ = try await first.send(try list.call(pathArguments: [])) }
            let (second, transport, _) = try Self.client(port: port)
            let before = try await control.now()
            let create = try #require(Operation.named("signature_requests.create"))
            let result = try await second.send(try create.call(pathArguments: [], body: .json(Array(#"{"name":"After the wait","delivery_mode":"none"}"#.utf8))))
            guard case .json = result else { Issue.record("expected a created signature request"); return }
            #expect(transport.statuses.first == 429)
            #expect(transport.statuses.last == 201)
            #expect(transport.statuses.filter { $0 == 201 }.count == 1, "one POST created one request")
            #expect(try await control.now() - before >= 1)
        }
    }
}
