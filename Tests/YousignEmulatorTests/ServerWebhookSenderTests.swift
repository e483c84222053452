import Crypto
import Foundation
import Hummingbird
import Logging
import JSONCodec
import ServiceLifecycle
import Testing
import YousignWire
@testable import YousignEmulator
@testable import YousignEmulatorServer

#if canImport(Glibc)
import Glibc
#endif

/// `HTTPWebhookSender` against a real receiver: a plain Hummingbird app on port 0.
@Suite("Webhook delivery over HTTP")
struct ServerWebhookSenderTests {
    static let headers = [
        ("Content-Type", "application/json"), ("User-Agent", "Yousign Webhook Bot"),
        ("X-Yousign-Signature-256", "sha256=abc"), ("X-Yousign-Retry", "0"), ("X-Yousign-Issued-At", "1767225600"),
    ]

    @Test("POSTs the body byte for byte with every header, and returns the receiver's status")
    func delivers() async throws {
        let body = Array(#"{"event_name":"workflow_session.done","data":{"name":"Zoë ✓"}}"#.utf8)
        try await Receiver.withRunning { receiver, port in
            let status = try await HTTPWebhookSender().send(url: "http://127.0.0.1:\(port)/hook?token=t0k3n",
                                                                  headers: Self.headers, body: body, timeout: 5)
            #expect(status == 202)
            let got = try #require(await receiver.requests.first)
            #expect(got.method == "POST")
            #expect(got.path == "/hook")
            #expect(got.query == [QueryItem("token", "t0k3n")])
            #expect(got.body == body)
            for (name, value) in Self.headers { #expect(got.headers[name] == value, "\(name)") }
        }
    }

    @Test("a large body arrives intact")
    func largeBody() async throws {
        let body = Array(("{\"data\":\"" + String(repeating: "a\\\"b ", count: 60_000) + "\"}").utf8)
        try await Receiver.withRunning { receiver, port in
            let status = try await HTTPWebhookSender().send(url: "http://127.0.0.1:\(port)/hook", headers: Self.headers,
                                                            body: body, timeout: 5)
            #expect(status == 202)
            #expect(await receiver.requests.first?.body == body)
        }
    }

    @Test("a receiver's error status is returned, not thrown")
    func errorStatus() async throws {
        try await Receiver.withRunning { _, port in
            let status = try await HTTPWebhookSender().send(url: "http://127.0.0.1:\(port)/fail", headers: Self.headers,
                                                                  body: [], timeout: 5)
            #expect(status == 500)
        }
    }

    @Test("the timeout bounds the whole exchange and reads as a timeout to the dispatcher")
    func timeout() async throws {
        try await Receiver.withRunning { _, port in
            let start = ContinuousClock.now
            await #expect(throws: WebhookDeliveryError.timeout) {
                try await HTTPWebhookSender().send(url: "http://127.0.0.1:\(port)/slower", headers: Self.headers,
                                                   body: Array("{}".utf8), timeout: 0.3)
            }
            // the receiver answers 200 after 4 s: a `.timeout` shows the sender gave up at its own
            // 0.3 s; the bound is loose because a loaded 2-core machine stretches everything
            let elapsed = ContinuousClock.now - start
            #expect(elapsed < .seconds(4), "took \(elapsed)")
            #expect("\(WebhookDeliveryError.timeout)".contains("time"))
        }
    }

    @Test("two redirects are followed with the same POST; a third fails the delivery")
    func redirects() async throws {
        try await Receiver.withRunning { receiver, port in
            let sender = HTTPWebhookSender()
            let body = Array(#"{"n":2}"#.utf8)
            let status = try await sender.send(url: "http://127.0.0.1:\(port)/redirect/2", headers: Self.headers, body: body, timeout: 5)
            #expect(status == 202)
            let hook = await receiver.requests.filter { $0.path == "/hook" }
            #expect(hook.count == 1)
            #expect(hook.first?.body == body)
            #expect(hook.first?.method == "POST")
            await #expect(throws: WebhookDeliveryError.tooManyRedirects) {
                try await sender.send(url: "http://127.0.0.1:\(port)/redirect/3", headers: Self.headers, body: body, timeout: 5)
            }
        }
    }

    @Test("network failures and bad endpoints throw errors that never quote the URL")
    func failures() async throws {
        let refusing = try RefusingPort()
        defer { refusing.close() }
        let closedPort = refusing.port
        let secretURL = "http://127.0.0.1:\(closedPort)/hook?token=s3cr3t-value"
        do {
            _ = try await HTTPWebhookSender().send(url: secretURL, headers: Self.headers, body: [], timeout: 2)
            Issue.record("a closed port answered")
        } catch {
            #expect(!"\(error)".contains("s3cr3t"))
            #expect(!"\(error)".contains("time"), "\(error)")  // refused is not a timeout: no free retry
        }
        await #expect(throws: WebhookDeliveryError.invalidEndpoint) {
            try await HTTPWebhookSender().send(url: "ftp://127.0.0.1/x", headers: [], body: [], timeout: 1)
        }
    }

    @Test("end to end: a queued event reaches the receiver signed with the subscription's secret")
    func dispatcherDelivers() async throws {
        try await Receiver.withRunning { receiver, port in
            let api = try TestAPI(webhookSender: HTTPWebhookSender())
            let secret = String(repeating: "k", count: 32)
            let sub = try await api.post("/v3/webhooks", .object([
                "endpoint": .string("http://127.0.0.1:\(port)/hook"), "description": "receiver", "sandbox": true,
                "subscribed_events": ["workflow_session.done"], "scopes": ["*"], "auto_retry": false, "enabled": true,
                "secret_key": .string(secret)]))
            #expect(sub.status == 201, "\(sub)")
            try await Self.emit(api, "workflow_session.done")
            await api.emulator.tick()
            let got = try #require(await receiver.requests.first)
            #expect(got.headers["User-Agent"] == "Yousign Webhook Bot")
            #expect(got.headers["X-Yousign-Retry"] == "0")
            let mac = HMAC<SHA256>.authenticationCode(for: got.body, using: SymmetricKey(data: Array(secret.utf8)))
            #expect(got.headers["X-Yousign-Signature-256"] == "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
            let envelope = try JSONValue(parsing: got.body)
            #expect(envelope["event_name"] == "workflow_session.done")
            #expect(envelope["subscription_id"] == .string(sub.id))
            let log = try await api.call("GET", "/_emulator/webhook_deliveries", auth: false)
            #expect(log["data"]?[0]?["status"] == "delivered")
            #expect(log["data"]?[0]?["attempt_log"]?[0]?["status_code"] == 202)
        }
    }

    @Test("end to end: a first attempt that times out is retried later, even without auto_retry")
    func dispatcherTimeout() async throws {
        try await Receiver.withRunning { _, port in
            let api = try TestAPI(webhookSender: HTTPWebhookSender())
            let sub = try await api.post("/v3/webhooks", .object([
                "endpoint": .string("http://127.0.0.1:\(port)/slow"), "description": .null, "sandbox": true,
                "subscribed_events": ["*"], "scopes": ["*"], "auto_retry": false, "enabled": true]))
            #expect(sub.status == 201, "\(sub)")
            try await Self.emit(api, "workflow_session.blocked")
            await api.emulator.tick()  // the first attempt has 1 s; the receiver takes 1.5 s
            let log = try await api.call("GET", "/_emulator/webhook_deliveries", auth: false)
            #expect(log["data"]?[0]?["status"] == "retrying")
            #expect(log["data"]?[0]?["attempt_log"]?[0]?["error"] == "timeout")
            #expect(log["data"]?[0]?["next_attempt_at"] == "2026-01-01T00:02:00+00:00")
        }
    }

    /// Queues an event as a route would (no route emits one without verifications yet).
    static func emit(_ api: TestAPI, _ name: String) async throws {
        let emulator = api.emulator
        try await emulator.writer.write { db in
            var c = RequestContext(db: db, request: WireRequest(method: "POST", path: "/test"), params: [:],
                                   now: emulator.now, services: emulator.services)
            c.emit(name, workspace: Fixtures.defaultWorkspaceID, ["workflow_session": .object(["id": "s"])])
            try WebhookEvents.enqueue(c.events, in: c)
        }
    }
}

/// A webhook receiver: records what it gets. `/hook` answers 202, `/fail` 500, `/slow` after
/// 1.5 s, `/slower` after 4 s, `/redirect/{n}` 307 to `/redirect/{n-1}` and `/redirect/1` to `/hook` (n redirects).
actor Receiver {
    private(set) var requests: [WireRequest] = []

    func record(_ request: Request) async throws {
        var headers = WireHeaders()
        for field in request.headers { headers.add(field.name.rawName, field.value) }
        let body = try await request.body.collect(upTo: 1 << 20)
        let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        requests.append(WireRequest(method: request.method.rawValue, target: target, headers: headers,
                                    body: Array(body.readableBytesView)))
    }

    static func withRunning<T: Sendable>(_ body: @escaping @Sendable (Receiver, Int) async throws -> T) async throws -> T {
        let receiver = Receiver()
        let router = Hummingbird.Router(context: BasicRequestContext.self)
        router.post("/hook") { request, _ -> Response in
            try await receiver.record(request)
            return Response(status: .accepted)
        }
        router.post("/fail") { _, _ in Response(status: .internalServerError) }
        router.post("/slow") { request, _ -> Response in
            try await receiver.record(request)
            try await Task.sleep(for: .milliseconds(1500))
            return Response(status: .ok)
        }
        router.post("/slower") { request, _ -> Response in
            try await receiver.record(request)
            try await Task.sleep(for: .seconds(4))
            return Response(status: .ok)
        }
        router.post("/redirect/{n}") { request, context -> Response in
            try await receiver.record(request)
            let n = context.parameters.get("n", as: Int.self) ?? 0
            return Response(status: .temporaryRedirect, headers: [.location: n <= 1 ? "/hook" : "/redirect/\(n - 1)"])
        }
        let (ports, portsIn) = AsyncStream<Int>.makeStream()
        var quiet = Logger(label: "receiver")
        quiet.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { portsIn.yield($0.localAddress?.port ?? 0); portsIn.finish() }, logger: quiet)
        let group = ServiceGroup(configuration: .init(services: [app], logger: app.logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let result = try await body(receiver, port)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        }
    }
}

/// A loopback port bound but not listening: connecting is refused, and the port stays this
/// test's (one closed again could be handed to another test's server in the meantime).
final class RefusingPort {
    private let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard fd >= 0, bound else { throw CocoaError(.fileWriteUnknown) }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(fd) }
}
