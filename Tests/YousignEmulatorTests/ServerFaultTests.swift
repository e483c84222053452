import Foundation
import JSONCodec
import Testing
import YousignWire
@testable import YousignEmulator
@testable import YousignEmulatorServer

/// Latency and dropped connections over a real loopback socket: what `onboard serve --latency`
/// and a `drop` fault do to a client. Timings are lower bounds only (a sleep never ends early).
@Suite("Emulator over HTTP: latency and dropped connections")
struct ServerFaultTests {
    @Test("half the latency passes before the emulator acts, half before the response is written")
    func latencyHalves() async throws {
        let acted = Moments()
        let server = EmulatorServer(handle: { request in
            await acted.add(request, at: .now)
            return WireResponse(status: 204)
        }, latency: .milliseconds(400) ... .milliseconds(400))
        let (sent, answered) = try await server.withRunning { port in
            let sent = ContinuousClock.now
            let r = try await LoopbackClient(port: port, recordsConformance: false).send("GET", "/v3/workflow_templates")
            #expect(r.status == 204)
            return (sent, ContinuousClock.now)
        }
        let actedAt = try #require(await acted.times.first)
        #expect(actedAt - sent >= .milliseconds(200), "acted \(actedAt - sent) after sending")
        #expect(answered - actedAt >= .milliseconds(200), "answered \(answered - actedAt) after acting")
    }

    @Test("a ranged latency delays every request by at least its lower bound")
    func rangedLatency() async throws {
        let api = try TestAPI()
        let server = EmulatorServer(emulator: api.emulator, port: 0, latency: .milliseconds(150) ... .milliseconds(250))
        try await server.withRunning { port async throws in
            let http = LoopbackClient(port: port)
            for _ in 0..<3 {
                let start = ContinuousClock.now
                #expect(try await http.send("GET", "/v3/workflow_templates").status == 200)
                #expect(ContinuousClock.now - start >= .milliseconds(150))
            }
        }
    }

    @Test("latencies are drawn across the whole range, never outside it")
    func sampling() {
        let range = Duration.milliseconds(10) ... Duration.milliseconds(50)
        let samples = (0..<500).map { _ in EmulatorResponder.sample(range) }
        #expect(samples.allSatisfy(range.contains))
        #expect(Set(samples).count > 100)
        #expect(samples.contains { $0 < .milliseconds(20) } && samples.contains { $0 > .milliseconds(40) })
        #expect(EmulatorResponder.sample(.milliseconds(20) ... .milliseconds(20)) == .milliseconds(20))
    }

    @Test("a dropped POST closes the connection with no response, and the session exists")
    func droppedOverHTTP() async throws {
        let api = try TestAPI()
        let server = EmulatorServer(emulator: api.emulator, port: 0)
        try await server.withRunning { port in
            let http = LoopbackClient(port: port)
            let rule = try await http.send("POST", "/_emulator/faults", json: ["drop": true, "method": "POST", "path": "/workflow_sessions"],
                                           auth: false)
            #expect(rule.status == 201)
            let session: JSONValue = ["workflow_template_id": .string(Fixtures.customerOnboardingTemplateID), "name": "Kelly Smith"]
            let body = try session.encodedString()
            let (reply, closed) = try await RawHTTP.exchangeToEnd(port: port, "POST /v3/workflow_sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer \(Fixtures.defaultAPIKey)\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n" + body)
            #expect(reply == "", "not one byte of a response: \(reply)")
            #expect(closed, "the server closed the connection rather than leaving it open")
            let list = try await http.send("GET", "/v3/workflow_sessions")
            #expect(list.json["data"]?.arrayValue?.count == 1)
        }
    }

    /// When each request reached the handler.
    actor Moments {
        var times: [ContinuousClock.Instant] = []
        func add(_ request: WireRequest, at time: ContinuousClock.Instant) { times.append(time) }
    }
}
