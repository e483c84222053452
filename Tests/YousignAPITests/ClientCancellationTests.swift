import Foundation
import Testing
import YousignWire
@testable import YousignAPI

/// Ctrl-C cancels the calling task: a request in flight stops at once, and so does the wait
/// between attempts. Anything but a GET says it may have reached Yousign.
@Suite("Cancelling a call stops it at once and says what may have happened")
struct ClientCancellationTests {
    let post = APICall(method: "POST", path: "/v3/workflow_sessions", body: .json(Array(#"{"name":"x"}"#.utf8)))
    let get = APICall(method: "GET", path: "/v3/workflow_templates")

    /// The call in a task of its own, its error as the task's value.
    func sending(_ call: APICall, with client: YousignClient) -> Task<YousignError?, Never> {
        Task {
            do throws(YousignError) {
                _ = try await client.send(call)
                return nil
            } catch {
                return error
            }
        }
    }

    /// Sends `call` to a server that never answers, cancels it once the server has the
    /// request, and returns the error and how long the cancelled call took to end.
    func interrupted(_ call: APICall) async throws -> (YousignError?, Duration) {
        let server = try LoopbackSocket.silent()
        defer { server.stop() }
        let client = YousignClient(transport: try HTTPTransport(baseURL: "http://127.0.0.1:\(server.port)/v3"),
                                   apiKey: APIKey("test-key-123456"), timeout: .seconds(30))
        let task = sending(call, with: client)
        let deadline = ContinuousClock.now + .seconds(30)
        while server.bytesReceived == 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(server.bytesReceived > 0, "the request reached the server")
        let cancelled = ContinuousClock.now
        task.cancel()
        let error = await task.value
        return (error, cancelled.duration(to: .now))
    }

    @Test func aPostInFlightStopsAtOnceAndMayHaveReachedYousign() async throws {
        let (error, took) = try await interrupted(post)
        #expect(took < .seconds(10), "the cancel ended it, not the 30 s request timeout")
        #expect(error?.type == "interrupted")
        #expect(error?.description == "POST /v3/workflow_sessions: interrupted: stopped before the response came; the POST may have reached Yousign; check before retrying")
    }

    @Test func aGetInFlightStopsAtOnceAndSaysNothingOfReachingYousign() async throws {
        let (error, took) = try await interrupted(get)
        #expect(took < .seconds(10), "the cancel ended it, not the 30 s request timeout")
        #expect(error?.description == "GET /v3/workflow_templates: interrupted: stopped before the response came")
    }

    @Test func theWaitBeforeARetryStopsToo() async throws {
        let transport = ScriptedTransport([.response(503, jsonHeaders, #"{"type":"about:blank","detail":"busy"}"#)])
        let client = YousignClient(transport: transport, apiKey: APIKey("test-key-123456"),
                                   retry: RetryPolicy(baseDelay: 60, maxDelay: 60))
        let task = sending(get, with: client)
        while transport.count == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(100))
        let cancelled = ContinuousClock.now
        task.cancel()
        let error = await task.value
        #expect(cancelled.duration(to: .now) < .seconds(10), "the 30-60 s backoff was cut short")
        #expect(error?.description == "GET /v3/workflow_templates: interrupted: stopped before it was sent again")
        #expect(transport.count == 1)
    }
}
