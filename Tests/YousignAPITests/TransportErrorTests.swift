import Foundation
import Testing
import YousignEmulator
import YousignEmulatorServer
import YousignWire
@testable import YousignAPI

/// What a failed connection reads as: the host and the real cause, once, after as many
/// attempts as the cause deserves. Only loopback is ever contacted; the name that does not
/// resolve is under `.invalid` (RFC 6761), which no resolver answers.
@Suite("Network errors name the host and the cause")
struct TransportErrorTests {
    let list = APICall(method: "GET", path: "/v3/workflow_templates")

    func failure(_ baseURL: String, connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(10),
                 call: APICall? = nil) async throws -> (YousignError, RecordingClock) {
        let transport = try HTTPTransport(baseURL: baseURL, connectTimeout: connectTimeout)
        let clock = RecordingClock()
        let client = YousignClient(transport: transport, apiKey: APIKey("test-key-123456"), timeout: timeout, clock: clock)
        do {
            _ = try await client.send(call ?? list)
        } catch {
            return (error, clock)
        }
        throw TestFailure(description: "the call succeeded")
    }

    struct TestFailure: Error, CustomStringConvertible { var description: String }

    @Test func aNameThatDoesNotResolveIsSaidOnceAndNotRetried() async throws {
        let (error, clock) = try await failure("https://nosuchhost.invalid/v3")
        #expect(error.description == "GET /v3/workflow_templates: transport.error: cannot resolve host nosuchhost.invalid (Name or service not known)")
        #expect(clock.slept.isEmpty, "a DNS failure is reported at once, not after 4 attempts")
    }

    @Test func aClosedPortIsRefusedByHostAndPortAndRetried() async throws {
        let refusing = try LoopbackSocket.refusing()
        defer { refusing.stop() }
        let port = refusing.port
        let (error, clock) = try await failure("http://127.0.0.1:\(port)/v3")
        #expect(error.description == "GET /v3/workflow_templates: transport.error: connection refused by 127.0.0.1:\(port) (is the server running?)")
        #expect(clock.slept.count == 3, "a refused connection never reached the server: worth more attempts")
    }

    @Test func aServerThatNeverAcceptsTimesOutConnecting() async throws {
        let server = try LoopbackSocket.neverAccepting()
        defer { server.stop() }
        // a hang instead would end at the 10 s request timeout, reading `transport.timeout: no response`
        let (error, _) = try await failure("http://127.0.0.1:\(server.port)/v3", connectTimeout: .milliseconds(300),
                                           call: APICall(method: "POST", path: "/v3/workflow_sessions", body: .json(Array("{}".utf8))))
        #expect(error.description == "POST /v3/workflow_sessions: transport.error: timed out connecting to 127.0.0.1:\(server.port)")
    }

    @Test func aServerThatNeverAnswersIsAResponseTimeout() async throws {
        let server = try LoopbackSocket.silent()
        defer { server.stop() }
        let (error, _) = try await failure("http://127.0.0.1:\(server.port)/v3", timeout: .milliseconds(300),
                                           call: APICall(method: "POST", path: "/v3/workflow_sessions", body: .json(Array("{}".utf8))))
        #expect(error.description == "POST /v3/workflow_sessions: transport.timeout: no response from 127.0.0.1 within 300 ms")
    }

    @Test func httpsToAPlainHTTPServerIsATLSFailureNotRetried() async throws {
        let emulator = try YousignEmulator(EmulatorConfiguration(storage: .memory))
        try await EmulatorServer(emulator: emulator, host: "127.0.0.1", port: 0).withRunning { port in
            let (error, clock) = try await failure("https://127.0.0.1:\(port)/v3")
            #expect(error.description == "GET /v3/workflow_templates: transport.error: TLS handshake with 127.0.0.1 failed: wrong version number")
            #expect(clock.slept.isEmpty, "a failed TLS handshake fails the same way every time")
        }
    }
}
