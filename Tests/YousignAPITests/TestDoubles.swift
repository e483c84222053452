import Foundation
import YousignAPI
import YousignWire

/// A transport that answers from a script of outcomes and records what it was sent.
final class ScriptedTransport: Transport, @unchecked Sendable {
    enum Outcome {
        case response(Int, [(String, String)], String)
        case failure(TransportError.Kind)
    }
    private let lock = NSLock()
    private var outcomes: [Outcome]
    private(set) var requests: [WireRequest] = []
    let name = "scripted"

    init(_ outcomes: [Outcome]) { self.outcomes = outcomes }

    func send(_ request: WireRequest, timeout: Duration) async throws(TransportError) -> WireResponse {
        let next: Outcome = lock.withLock {
            requests.append(request)
            return outcomes.isEmpty ? .response(200, [("Content-Type", "application/json")], "{}") : outcomes.removeFirst()
        }
        switch next {
        case .response(let status, let headers, let body):
            return WireResponse(status: status, headers: WireHeaders(headers), body: Array(body.utf8))
        case .failure(let kind):
            throw TransportError(kind, "scripted \(kind)")
        }
    }

    var count: Int { lock.withLock { requests.count } }
}

/// A clock that records sleeps and moves by them, without waiting.
final class RecordingClock: WaitClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Double = 1_800_000_000
    private(set) var sleeps: [Double] = []

    func now() async -> Double { lock.withLock { current } }
    func sleep(seconds: Double) async {
        lock.withLock {
            sleeps.append(seconds)
            current += seconds
        }
    }
    var slept: [Double] { lock.withLock { sleeps } }
}

let jsonHeaders = [("Content-Type", "application/json")]

func client(_ transport: ScriptedTransport, _ clock: RecordingClock, key: String = "test-key-123456",
            retry: RetryPolicy = .default) -> YousignClient {
    YousignClient(transport: transport, apiKey: APIKey(key), retry: retry, clock: clock)
}
