import Testing
import YousignWire
@testable import YousignAPI

@Suite("Retries: GETs on 5xx, 429 and timeouts; POSTs only when surely not sent or refused with 429")
struct ClientRetryTests {
    let get = APICall(method: "GET", path: "/v3/workflow_sessions/abc")
    let post = APICall(method: "POST", path: "/v3/signature_requests", body: .json(Array("{}".utf8)))

    @Test func getIsRetriedOn503ThenSucceeds() async throws {
        let transport = ScriptedTransport([.response(503, jsonHeaders, #"{"type":"about:blank","detail":"busy"}"#),
                                           .response(200, jsonHeaders, #"{"id":"abc"}"#)])
        let clock = RecordingClock()
        let result = try await client(transport, clock).send(get)
        #expect(result == .json(Array(#"{"id":"abc"}"#.utf8)))
        #expect(transport.count == 2)
        #expect(clock.slept.count == 1)
        #expect(clock.slept[0] >= 0.25 && clock.slept[0] <= 0.5)
    }

    @Test func backoffDoublesAndGivesUpAfterMaxAttempts() async throws {
        let transport = ScriptedTransport(Array(repeating: .response(500, jsonHeaders, #"{"type":"about:blank","detail":"Something wrong occurred."}"#), count: 10))
        let clock = RecordingClock()
        await #expect(throws: YousignError.self) { try await client(transport, clock).send(get) }
        #expect(transport.count == 4)
        #expect(clock.slept.count == 3)
        // full jitter in the upper half: 0.25–0.5, 0.5–1, 1–2
        for (i, s) in clock.slept.enumerated() {
            let cap = 0.5 * Double(1 << i)
            #expect(s >= cap / 2 && s <= cap)
        }
    }

    @Test func postIsNotRetriedOn500OrTimeout() async throws {
        let t1 = ScriptedTransport([.response(500, jsonHeaders, #"{"type":"about:blank","detail":"Something wrong occurred."}"#)])
        do {
            _ = try await client(t1, RecordingClock()).send(post)
            Issue.record("expected an error")
        } catch {
            #expect(error.status == 500)
            #expect(error.type == "about:blank")
        }
        #expect(t1.count == 1)
        let t2 = ScriptedTransport([.failure(.timeout)])
        do {
            _ = try await client(t2, RecordingClock()).send(post)
            Issue.record("expected an error")
        } catch {
            #expect(error.status == nil)
            #expect(error.type == "transport.timeout")
        }
        #expect(t2.count == 1)
    }

    @Test func getIsRetriedAfterATimeout() async throws {
        let transport = ScriptedTransport([.failure(.timeout), .response(200, jsonHeaders, "{}")])
        _ = try await client(transport, RecordingClock()).send(get)
        #expect(transport.count == 2)
    }

    @Test func postIsRetriedWhenItSurelyWasNotSent() async throws {
        let transport = ScriptedTransport([.failure(.notSent), .response(201, jsonHeaders, #"{"id":"x"}"#)])
        _ = try await client(transport, RecordingClock()).send(post)
        #expect(transport.count == 2)
    }

    @Test func a429IsRetriedAfterRetryAfterEvenForAPost() async throws {
        let transport = ScriptedTransport([.response(429, jsonHeaders + [("Retry-After", "7")], #"{"message":"Too many requests"}"#),
                                           .response(201, jsonHeaders, #"{"id":"x"}"#)])
        let clock = RecordingClock()
        _ = try await client(transport, clock).send(post)
        #expect(transport.count == 2)
        #expect(clock.slept.reduce(0, +) >= 7)
    }

    @Test func aRetryAfterLongerThanTheMaximumFailsAtOnce() async throws {
        let transport = ScriptedTransport([.response(429, jsonHeaders + [("Retry-After", "3600")], #"{"message":"Too many requests"}"#)])
        let clock = RecordingClock()
        do {
            _ = try await client(transport, clock).send(get)
            Issue.record("expected an error")
        } catch {
            #expect(error.status == 429)
            #expect(error.type == "rate_limited")
            #expect(error.detail == "Too many requests")
            #expect(error.retryAfter == 3600)
        }
        #expect(transport.count == 1)
        #expect(clock.slept.isEmpty)
    }

    @Test func aClientErrorIsNeverRetried() async throws {
        let body = #"{"type":"validation.error","detail":"You have some invalid params in your payload.","invalid_params":[{"name":"name","reason":"This value should not be blank."}]}"#
        let transport = ScriptedTransport([.response(400, jsonHeaders, body)])
        do {
            _ = try await client(transport, RecordingClock()).send(get)
            Issue.record("expected an error")
        } catch {
            #expect(error.invalidParams == [YousignError.InvalidParam(name: "name", reason: "This value should not be blank.")])
            #expect(error.description == "GET /v3/workflow_sessions/abc: 400 validation.error: You have some invalid params in your payload. (name: This value should not be blank.)")
        }
        #expect(transport.count == 1)
    }

    @Test func theRateLimitHeadersMakeTheNextRequestWait() async throws {
        let transport = ScriptedTransport([
            .response(200, jsonHeaders + [("RateLimit-Remaining", "0"), ("RateLimit-Reset", "12"), ("X-RateLimit-Remaining-Minute", "0")], "{}"),
            .response(200, jsonHeaders, "{}"),
        ])
        let clock = RecordingClock()
        let c = client(transport, clock)
        _ = try await c.send(get)
        #expect(clock.slept.isEmpty)
        _ = try await c.send(get)
        #expect(clock.slept == [12])
    }

    @Test func noRetriesWithTheNonePolicy() async throws {
        let transport = ScriptedTransport([.response(503, jsonHeaders, "{}"), .response(200, jsonHeaders, "{}")])
        await #expect(throws: YousignError.self) { try await client(transport, RecordingClock(), retry: .none).send(get) }
        #expect(transport.count == 1)
    }
}

@Suite("Requests and results")
struct ClientRequestTests {
    @Test func theKeyGoesInTheAuthorizationHeaderAndNowhereElse() async throws {
        let key = "sk-secret-abcdef-987654"
        let transport = ScriptedTransport([.response(401, jsonHeaders, #"{"type":"unauthorized","detail":"key \#(key) is not valid"}"#)])
        do {
            _ = try await client(transport, RecordingClock(), key: key).send(APICall(method: "GET", path: "/v3/workflow_templates"))
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains(key))
            #expect(error.detail == "key <redacted> is not valid")
        }
        #expect(transport.requests[0].headers["Authorization"] == "Bearer \(key)")
        #expect("\(APIKey(key))" == "<redacted>")
        #expect(String(reflecting: APIKey(key)) == "APIKey(<redacted>)")
        var dumped = ""
        dump(APIKey(key), to: &dumped)
        #expect(!dumped.contains(key))
    }

    @Test func resultsByKind() async throws {
        let transport = ScriptedTransport([
            .response(204, [], ""),
            .response(200, [("Content-Type", "application/pdf")], "%PDF-1.7"),
            .response(200, [("Content-Type", "application/json; charset=utf-8")], "[]"),
        ])
        let c = client(transport, RecordingClock())
        #expect(try await c.send(APICall(method: "POST", path: "/v3/x")) == .empty)
        #expect(try await c.send(APICall(method: "GET", path: "/v3/y")) == .binary(Array("%PDF-1.7".utf8), contentType: "application/pdf"))
        #expect(try await c.send(APICall(method: "GET", path: "/v3/z")) == .json(Array("[]".utf8)))
    }

    @Test func anOperationFillsItsPathAndRefusesIdsThatWouldEscapeIt() throws {
        let op = try #require(Operation.named("signature_requests.documents.fields.create"))
        let call = try op.call(pathArguments: ["sr-1", "doc-2"], body: .json(Array("{}".utf8)))
        #expect(call.method == "POST")
        #expect(call.path == "/v3/signature_requests/sr-1/documents/doc-2/fields")
        #expect(throws: ArgumentError.self) { try op.call(pathArguments: ["sr-1"]) }
        for bad in ["", "..", "a/b", "x?y=1", "a#b"] {
            #expect(throws: ArgumentError.self) { try op.call(pathArguments: [bad, "doc"]) }
        }
        #expect(Operation.snakeCase("signatureRequestId") == "signature_request_id")
    }

    @Test func multipartFieldsUseBracketKeys() throws {
        let fields = Multipart.fields(.object([
            "natural_person": .object(["first_name": "Kelly", "last_name": "Smith"]),
            "tags": .array(["a", "b"]), "parse_anchors": .bool(true), "page": .integer(2), "note": .null,
        ]))
        #expect(fields.map { "\($0.0)=\($0.1)" } == [
            "natural_person[first_name]=Kelly", "natural_person[last_name]=Smith", "page=2", "parse_anchors=true",
            "tags[0]=a", "tags[1]=b",
        ])
        let encoded = try Multipart.encode(fields: [("nature", "signable_document")],
                                           files: [FilePart(field: "file", filename: "contract.pdf", content: Array("%PDF-1.7 body".utf8))])
        let text = String(decoding: encoded.body, as: UTF8.self)
        let boundary = try #require(encoded.contentType.split(separator: "=").last)
        #expect(encoded.contentType.hasPrefix("multipart/form-data; boundary="))
        #expect(text.contains("Content-Disposition: form-data; name=\"nature\"\r\n\r\nsignable_document\r\n"))
        #expect(text.contains("Content-Disposition: form-data; name=\"file\"; filename=\"contract.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7 body\r\n"))
        #expect(text.hasSuffix("--\(boundary)--\r\n"))
    }

    @Test func httpTransportMapsAPIAndControlPaths() throws {
        let yousign = try HTTPTransport(baseURL: "https://api-sandbox.yousign.app/v3/")
        #expect(yousign.url(for: WireRequest(method: "GET", path: "/v3/workflow_sessions/a b", query: [QueryItem("status[eq]", "done")]))
                == "https://api-sandbox.yousign.app/v3/workflow_sessions/a%20b?status%5Beq%5D=done")
        let served = try HTTPTransport(baseURL: "http://127.0.0.1:8080")
        #expect(served.baseURL == "http://127.0.0.1:8080/v3")
        #expect(served.url(for: WireRequest(method: "POST", path: "/_emulator/clock/advance")) == "http://127.0.0.1:8080/_emulator/clock/advance")
        #expect(throws: TransportError.self) { try HTTPTransport(baseURL: "ftp://example.com") }
        #expect(throws: TransportError.self) { try HTTPTransport(baseURL: "not a url") }
    }

    @Test func aClosedPortIsAFailureBeforeSending() async throws {
        // port 9 (discard) is closed on loopback here; the connection is refused at once
        let transport = try HTTPTransport(baseURL: "http://127.0.0.1:9/v3")
        do {
            _ = try await transport.send(WireRequest(method: "POST", path: "/v3/workflow_sessions"), timeout: .seconds(5))
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .notSent, "\(error)")
        }
    }
}
