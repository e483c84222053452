import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import JSONCodec
import Testing
import YousignWire
@testable import YousignEmulator
@testable import YousignEmulatorServer

/// The emulator over a real loopback socket: what `onboard serve` runs.
@Suite("Emulator over HTTP")
struct ServerHTTPTests {
    /// A served in-memory emulator with the fixed clock and sequential ids of `TestAPI`.
    static func served<T: Sendable>(maxBodySize: Int = 60 * 1024 * 1024,
                                    _ body: @escaping @Sendable (LoopbackClient) async throws -> T) async throws -> T {
        let api = try TestAPI()
        let server = EmulatorServer(emulator: api.emulator, host: "127.0.0.1", port: 0, maxBodySize: maxBodySize)
        return try await server.withRunning { port in try await body(LoopbackClient(port: port)) }
    }

    @Test("templates list: 200, JSON, the fixtures; limit in the query reaches the pagination")
    func templates() async throws {
        try await Self.served { http in
            let r = try await http.send("GET", "/v3/workflow_templates")
            #expect(r.status == 200)
            #expect(r.headers["content-type"] == "application/json")
            let names = r.json["data"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(names == ["Customer onboarding", "Business onboarding", "Onboarding in two workspaces"])
            let page = try await http.send("GET", "/v3/workflow_templates?limit=1")
            #expect(page.json["data"]?.arrayValue?.count == 1)
            #expect(page.json["meta"]?["next_cursor"]?.stringValue != nil)
            let bad = try await http.send("GET", "/v3/workflow_templates?limit=0")
            #expect(bad.status == 400)
            #expect(bad.json["type"] == "validation.error")
        }
    }

    @Test("a session created over HTTP reads back identical, and is in the store")
    func sessionCreateAndGet() async throws {
        try await Self.served { http in
            let created = try await http.send("POST", "/v3/workflow_sessions", json: .object([
                "workflow_template_id": .string(Fixtures.customerOnboardingTemplateID), "name": "Onboarding of Kelly Smith"]))
            #expect(created.status == 201, "\(created)")
            #expect(created.json["status"] == "awaiting")
            let id = created.json["id"]?.stringValue ?? ""
            let got = try await http.send("GET", "/v3/workflow_sessions/\(id)")
            #expect(got.status == 200)
            #expect(got.json == created.json)
            let list = try await http.send("GET", "/v3/workflow_sessions")
            #expect(list.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [id])
        }
    }

    @Test("401, 404, 405 and 415 come back in Yousign's shapes, not Hummingbird's")
    func errors() async throws {
        try await Self.served { http in
            let noKey = try await http.send("GET", "/v3/workflow_templates", auth: false)
            #expect(noKey.status == 401)
            #expect(noKey.json["type"] == "authentication_error")
            #expect(noKey.json["detail"]?.stringValue != nil)
            let wrongKey = try await http.send("GET", "/v3/workflow_templates", headers: ["Authorization": "Bearer nope"], auth: false)
            #expect(wrongKey.status == 401)
            let missing = try await http.send("GET", "/v3/workflow_sessions/00000000-0000-4000-8000-00000000ffff")
            #expect(missing.status == 404)
            #expect(missing.json == .object(["type": "resource.not_found", "detail": "The workflow session was not found."]))
            let noRoute = try await http.send("GET", "/v2/anything")
            #expect(noRoute.status == 404)
            #expect(noRoute.json["type"] == "resource.not_found")
            let wrongMethod = try await http.send("PUT", "/v3/workflow_templates")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.json == .object(["message": "Method Not Allowed"]))
            let wrongType = try await http.send("POST", "/v3/workflow_sessions", headers: ["Content-Type": "text/plain"],
                                                body: Array("name=x".utf8))
            #expect(wrongType.status == 415)
            #expect(wrongType.json["type"] == "unsupported_media_type")
        }
    }

    @Test("the control surface answers without a key over HTTP")
    func control() async throws {
        try await Self.served { http in
            let clock = try await http.send("POST", "/_emulator/clock/advance", json: .object(["seconds": 90]), auth: false)
            #expect(clock.status == 200)
            #expect(clock.json["now"] == "2026-01-01T00:01:30+00:00")
            let reset = try await http.send("POST", "/_emulator/reset", auth: false)
            #expect(reset.status == 204)
            #expect(reset.body.isEmpty)
        }
    }

    @Test("a multipart body reaches the handler byte for byte, with its headers and decoded query")
    func passThrough() async throws {
        let seen = Recorder()
        let server = EmulatorServer(handle: { request in
            await seen.add(request)
            return WireResponse(status: 201, headers: ["Content-Type": "application/json", "X-Echo-Length": String(request.body.count)],
                                body: Array(#"{"ok":true}"#.utf8))
        })
        // every byte value, CRLFs and something that looks like a boundary, 1 MB in all
        let file = (0..<4096).flatMap { _ in (0...255).map(UInt8.init) }
        let boundary = "----onboard-boundary-93f1"
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nKelly\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"verified_id.pdf\"\r\n".utf8)
        body += Array("Content-Type: application/pdf\r\n\r\n".utf8) + file + Array("\r\n--\(boundary)--\r\n".utf8)
        let sent = body
        let response = try await server.withRunning { port in
            try await LoopbackClient(port: port, recordsConformance: false).send(
                // encoded as clients send it (Foundation's URL would re-encode the % of a mixed target)
                "POST", "/v3/verifications/identity_documents?status%5Beq%5D=done&status%5Bin%5D=a%2Cb&q=Kelly+Smith&empty",
                headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)", "X-Custom": "kept"], body: sent)
        }
        #expect(response.status == 201)
        #expect(response.headers["x-echo-length"] == String(sent.count))
        let requests = await seen.requests
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/v3/verifications/identity_documents")
        #expect(request.query == [QueryItem("status[eq]", "done"), QueryItem("status[in]", "a,b"),
                                  QueryItem("q", "Kelly Smith"), QueryItem("empty", "")])
        #expect(request.headers.mediaType == "multipart/form-data")
        #expect(request.headers.contentTypeParameter("boundary") == boundary)
        #expect(request.headers["x-custom"] == "kept")
        #expect(request.headers["Authorization"] == "Bearer \(Fixtures.defaultAPIKey)")
        #expect(request.body == sent)
    }

    @Test("a multipart body to a JSON route is the emulator's 415")
    func multipartToJSONRoute() async throws {
        try await Self.served { http in
            let r = try await http.send("POST", "/v3/workflow_sessions",
                                        headers: ["Content-Type": "multipart/form-data; boundary=b"],
                                        body: Array("--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--b--\r\n".utf8))
            #expect(r.status == 415)
        }
    }

    @Test("a body over the limit is 413 with a {type, detail} body, and the server goes on")
    func tooLarge() async throws {
        try await Self.served(maxBodySize: 1024) { http in
            let r = try await http.send("POST", "/v3/workflow_sessions", json: .object(["name": .string(String(repeating: "x", count: 4000))]))
            #expect(r.status == 413)
            #expect(r.json["type"] == "request_entity_too_large")
            #expect(r.json["detail"] == "The request body is larger than 1024 bytes.")
            let after = try await http.send("GET", "/v3/workflow_templates")
            #expect(after.status == 200)
        }
    }

    @Test("the tick runs on its interval while serving and stops at shutdown")
    func ticks() async throws {
        let count = Counter()
        let server = EmulatorServer(handle: { _ in WireResponse(status: 204) }, tick: { await count.increment() },
                                    tickInterval: .milliseconds(50))
        let started = ContinuousClock.now
        try await server.withRunning { _ in try await Task.sleep(for: .milliseconds(400)) }
        let atShutdown = await count.value
        // at most one tick per 50 ms of the time the server really ran (a loaded machine
        // oversleeps the 400 ms), and not none
        let most = Int((ContinuousClock.now - started) / .milliseconds(50)) + 1
        #expect((2...most).contains(atShutdown), "ticks: \(atShutdown), at most \(most)")
        try await Task.sleep(for: .milliseconds(200))
        #expect(await count.value == atShutdown)
    }

    @Test("shutdown waits for the request in flight, then the port is closed")
    func gracefulShutdown() async throws {
        let (started, startedIn) = AsyncStream<Void>.makeStream()
        let server = EmulatorServer(handle: { _ in
            startedIn.yield()
            try? await Task.sleep(for: .milliseconds(300))
            return WireResponse(status: 200, body: Array("done".utf8))
        })
        let (port, inFlight) = try await server.withRunning { port in
            let task = Task { try await LoopbackClient(port: port, recordsConformance: false).send("GET", "/slow") }
            var iterator = started.makeAsyncIterator()
            await iterator.next()
            return (port, task)  // shutdown begins while /slow is still being answered
        }
        let answered = try await inFlight.value
        #expect(answered.status == 200)
        #expect(answered.body == Array("done".utf8))
        await #expect(throws: (any Error).self) {
            try await LoopbackClient(port: port, recordsConformance: false).send("GET", "/v3/workflow_templates")
        }
    }

    @Test("a port already in use fails to start with the bind error")
    func portInUse() async throws {
        let first = EmulatorServer(handle: { _ in WireResponse(status: 204) })
        try await first.withRunning { port in
            let second = EmulatorServer(handle: { _ in WireResponse(status: 204) }, port: port)
            await #expect(throws: (any Error).self) { try await second.withRunning { _ in 0 } }
        }
    }
}

/// Requests over loopback with URLSession, recorded for the conformance check like `TestAPI`'s
/// when the server is the real emulator.
struct LoopbackClient: Sendable {
    let port: Int
    var recordsConformance = true

    struct Response: Sendable, CustomStringConvertible {
        var status: Int
        /// Lowercased names.
        var headers: [String: String]
        var body: [UInt8]
        var json: JSONValue { (try? JSONValue(parsing: body)) ?? .null }
        var description: String { "\(status) \(String(decoding: body, as: UTF8.self))" }
    }

    func send(_ method: String, _ target: String, headers: [String: String] = [:], body: [UInt8]? = nil,
              json: JSONValue? = nil, auth: Bool = true) async throws -> Response {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(target)")!, timeoutInterval: 10)
        request.httpMethod = method
        if auth { request.setValue("Bearer \(Fixtures.defaultAPIKey)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let json {
            request.httpBody = Data(try json.encoded())
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let body {
            request.httpBody = Data(body)
        }
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        let (data, urlResponse) = try await session.data(for: request)
        let http = try #require(urlResponse as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        let response = Response(status: http.statusCode, headers: fields, body: [UInt8](data))
        guard recordsConformance else { return response }
        ConformanceLog.shared.record(
            WireRequest(method: method, target: target),
            WireResponse(status: response.status, headers: WireHeaders(fields.map { ($0.key, $0.value) }), body: response.body))
        return response
    }
}

actor Recorder {
    var requests: [WireRequest] = []
    func add(_ request: WireRequest) { requests.append(request) }
}

actor Counter {
    var value = 0
    func increment() { value += 1 }
}

@Suite("Emulator over HTTP: raw requests")
struct ServerRawRequestTests {
    @Test("unencoded brackets in a query decode to deepObject names (status[eq]=done)")
    func rawBrackets() async throws {
        let seen = Recorder()
        let server = EmulatorServer(handle: { request in
            await seen.add(request)
            return WireResponse(status: 204)
        })
        let reply = try await server.withRunning { port in
            try await RawHTTP.exchange(port: port, "GET /v3/signature_requests?status[eq]=done&created_at[between]=2025-03-02,2025-03-04 HTTP/1.1\r\n"
                                 + "Host: 127.0.0.1\r\nConnection: close\r\n\r\n")
        }
        #expect(reply.hasPrefix("HTTP/1.1 204 No Content\r\n"), "\(reply)")
        let request = try #require(await seen.requests.first)
        #expect(request.query == [QueryItem("status[eq]", "done"), QueryItem("created_at[between]", "2025-03-02,2025-03-04")])
    }

    @Test("a request the emulator routes through its own table: unknown method on a known path is 405")
    func unknownMethod() async throws {
        let api = try TestAPI()
        let server = EmulatorServer(emulator: api.emulator, port: 0)
        let reply = try await server.withRunning { port in
            try await RawHTTP.exchange(port: port, "PROPFIND /v3/workflow_templates HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 + "Authorization: Bearer \(Fixtures.defaultAPIKey)\r\nConnection: close\r\n\r\n")
        }
        #expect(reply.hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n"), "\(reply)")
        #expect(reply.hasSuffix("\r\n\r\n{\"message\":\"Method Not Allowed\"}"), "\(reply)")
    }
}

/// One HTTP/1.1 exchange over a plain socket, for what URLSession would rewrite.
enum RawHTTP {
    /// On its own thread: blocking socket calls on the cooperative pool (two threads on this
    /// machine) would starve the server they are waiting for.
    static func exchange(port: Int, _ text: String) async throws -> String {
        try await exchangeToEnd(port: port, text).reply
    }

    /// The reply and whether the server closed the connection (rather than leaving it open
    /// past the 10 s receive timeout).
    static func exchangeToEnd(port: Int, _ text: String) async throws -> (reply: String, closedByServer: Bool) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try blockingExchange(port: port, text) }) }
        }
    }

    static func blockingExchange(port: Int, _ text: String) throws -> (reply: String, closedByServer: Bool) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(text.utf8)
        guard send(fd, bytes, bytes.count, 0) == bytes.count else { throw POSIXError(.EIO) }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var closed = true
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n < 0 { closed = errno == ECONNRESET }
            if n <= 0 { break }
            reply += buffer[0..<n]
        }
        return (String(decoding: reply, as: UTF8.self), closed)
    }
}
