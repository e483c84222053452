import Foundation
import JSONCodec
import Testing
import YousignWire
@testable import YousignEmulator

/// A fresh in-memory emulator with a fixed clock and sequential ids, and a tiny client for it.
/// Every response goes to the conformance log (see `ConformanceLog`).
struct TestAPI {
    let emulator: YousignEmulator
    var key = Fixtures.defaultAPIKey

    init(rateLimit: EmulatorConfiguration.RateLimit = .off, verificationDelay: TimeInterval = 0,
         webhookSender: (any WebhookSender)? = nil, fixtures: Fixtures = .defaults) throws {
        emulator = try YousignEmulator(EmulatorConfiguration(
            storage: .memory, clock: FixedClock(), ids: SequentialIDs(), rateLimit: rateLimit, fixtures: fixtures,
            verificationDelay: verificationDelay, webhookSender: webhookSender))
    }

    /// Sends a request; `json` is encoded as the body with `Content-Type: application/json`.
    @discardableResult
    func call(_ method: String, _ target: String, json: JSONValue? = nil, headers: WireHeaders = [:],
              body: [UInt8]? = nil, auth: Bool = true) async throws -> Reply {
        var h = headers
        if auth { h.set("Authorization", "Bearer \(key)") }
        var bytes = body ?? []
        if let json {
            bytes = try json.encoded()
            h.set("Content-Type", "application/json")
        }
        let request = WireRequest(method: method, target: target, headers: h, body: bytes)
        let response = await emulator.handle(request)
        ConformanceLog.shared.record(request, response)
        return Reply(response)
    }

    func get(_ target: String) async throws -> Reply { try await call("GET", target) }
    func post(_ target: String, _ json: JSONValue = .object([:])) async throws -> Reply { try await call("POST", target, json: json) }
    func patch(_ target: String, _ json: JSONValue) async throws -> Reply { try await call("PATCH", target, json: json) }
    func delete(_ target: String, _ json: JSONValue? = nil) async throws -> Reply { try await call("DELETE", target, json: json) }

    /// A multipart/form-data request: text fields (bracket keys allowed) and files.
    func multipart(_ method: String = "POST", _ target: String, fields: [(String, String)] = [],
                   files: [(field: String, filename: String, contentType: String, bytes: [UInt8])] = []) async throws -> Reply {
        let boundary = "test-boundary-7MA4YWxkTrZu0gW"
        var body: [UInt8] = []
        func line(_ s: String) { body += Array((s + "\r\n").utf8) }
        for (name, value) in fields {
            line("--\(boundary)")
            line("Content-Disposition: form-data; name=\"\(name)\"")
            line("")
            line(value)
        }
        for f in files {
            line("--\(boundary)")
            line("Content-Disposition: form-data; name=\"\(f.field)\"; filename=\"\(f.filename)\"")
            line("Content-Type: \(f.contentType)")
            line("")
            body += f.bytes
            line("")
        }
        line("--\(boundary)--")
        return try await call(method, target, headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"], body: body)
    }

    /// A webhook subscription to every event, so `deliveries()` lists what was emitted.
    func subscribeToEverything() async throws {
        let r = try await post("/v3/webhooks", .object([
            "endpoint": "https://receiver.example.com/yousign", "description": "all", "sandbox": true, "auto_retry": false,
            "enabled": true, "subscribed_events": .array(["*"]), "scopes": .array(["*"])]))
        #expect(r.status == 201, "\(r)")
    }

    /// The recorded webhook deliveries, oldest first.
    func deliveries() async throws -> [Delivery] {
        let r = try await call("GET", "/_emulator/webhook_deliveries", auth: false)
        return (r["data"]?.arrayValue ?? []).map { Delivery(name: $0["event_name"]?.stringValue ?? "", data: $0["body"]?["data"] ?? .null) }
    }

    /// Moves the emulator clock.
    func advance(seconds: Int) async throws {
        let r = try await call("POST", "/_emulator/clock/advance", json: .object(["seconds": .integer(Int64(seconds))]), auth: false)
        #expect(r.status == 200)
    }
}

/// A webhook delivery: the event name and the envelope's `data`.
struct Delivery {
    var name: String
    var data: JSONValue
}

/// A response with its JSON decoded.
struct Reply: CustomStringConvertible {
    let response: WireResponse
    let json: JSONValue

    init(_ response: WireResponse) {
        self.response = response
        self.json = (try? JSONValue(parsing: response.body)) ?? .null
    }

    var status: Int { response.status }
    subscript(key: String) -> JSONValue? { json[key] }
    var id: String { json["id"]?.stringValue ?? "" }
    var description: String { "\(status) \(response.bodyText)" }
}

/// A small valid PDF (one page) for uploads.
let samplePDF: [UInt8] = Array("""
    %PDF-1.4
    1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
    2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
    3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj
    trailer << /Root 1 0 R >>
    %%EOF
    """.utf8)

/// Every request and response the tests make, written as JSON lines for the conformance check
/// (`scripts/conformance.py` validates each response against the OpenAPI spec). The file is
/// `$ONBOARD_CONFORMANCE_LOG`, when set.
final class ConformanceLog: @unchecked Sendable {
    static let shared = ConformanceLog()
    private let lock = NSLock()
    private let handle: FileHandle?

    init() {
        if let path = ProcessInfo.processInfo.environment["ONBOARD_CONFORMANCE_LOG"], !path.isEmpty {
            if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
            handle = FileHandle(forWritingAtPath: path)
            handle?.seekToEndOfFile()
        } else {
            handle = nil
        }
    }

    func record(_ request: WireRequest, _ response: WireResponse) {
        guard let handle, request.path.hasPrefix("/v3") else { return }
        let entry: JSONValue = .object([
            "method": .string(request.method), "path": .string(request.path), "status": .integer(Int64(response.status)),
            "content_type": response.headers["Content-Type"].map(JSONValue.string) ?? .null,
            "body": (try? JSONValue(parsing: response.body)) ?? .null,
        ])
        guard let line = try? entry.encoded() else { return }
        lock.withLock { handle.write(Data(line + [0x0A])) }
    }
}
