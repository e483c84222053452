import JSONCodec
import YousignWire

/// The control surface of an emulator (`/_emulator/...`, docs/emulator.md): acting as signers
/// and approvers, finishing verifications, moving the clock, failing requests on purpose. The same calls work on the
/// embedded emulator and on `onboard serve`, since both answer the same routes.
public struct EmulatorControl: Sendable {
    let client: YousignClient

    public init(client: YousignClient) { self.client = client }

    /// `POST /_emulator/...` or `GET /_emulator/...` with an optional JSON body.
    public func send(_ method: String, _ path: String, body: JSONValue? = nil) async throws(YousignError) -> APIResult {
        var call = APICall(method: method, path: "/_emulator" + path)
        if let body {
            do { call.body = .json(try body.encoded()) } catch {
                throw YousignError(status: nil, type: "request.invalid", detail: "\(error)", method: method, path: call.path)
            }
        }
        return try await client.send(call)
    }

    public func sign(signatureRequest: String, signer: String) async throws(YousignError) -> APIResult {
        try await send("POST", "/signature_requests/\(try segment(signatureRequest))/signers/\(try segment(signer))/sign")
    }

    public func decline(signatureRequest: String, signer: String, reason: String?) async throws(YousignError) -> APIResult {
        try await send("POST", "/signature_requests/\(try segment(signatureRequest))/signers/\(try segment(signer))/decline",
                       body: .object(reason.map { ["reason": .string($0)] } ?? [:]))
    }

    public func approve(signatureRequest: String, approver: String) async throws(YousignError) -> APIResult {
        try await send("POST", "/signature_requests/\(try segment(signatureRequest))/approvers/\(try segment(approver))/approve")
    }

    public func reject(signatureRequest: String, approver: String, reason: String?) async throws(YousignError) -> APIResult {
        try await send("POST", "/signature_requests/\(try segment(signatureRequest))/approvers/\(try segment(approver))/reject",
                       body: .object(reason.map { ["reason": .string($0)] } ?? [:]))
    }

    public func complete(verificationType: String, id: String, status: String, statusCodes: [String]? = nil) async throws(YousignError) -> APIResult {
        var body: [String: JSONValue] = ["status": .string(status)]
        if let statusCodes { body["status_codes"] = .array(statusCodes.map { .string($0) }) }
        return try await send("POST", "/verifications/\(try segment(verificationType))/\(try segment(id))/complete", body: .object(body))
    }

    /// The emulator's clock, Unix seconds.
    public func now() async throws(YousignError) -> Double {
        let result = try await send("GET", "/clock")
        guard case .json(let bytes) = result, let doc = try? JSONValue(parsing: bytes) else {
            throw YousignError(status: nil, type: "response.invalid", detail: "the emulator's clock answer is not JSON", method: "GET", path: "/_emulator/clock")
        }
        if let unix = doc["unix"]?.intValue { return Double(unix) }
        if let unix = doc["unix"]?.doubleValue { return unix }
        throw YousignError(status: nil, type: "response.invalid", detail: "the emulator's clock answer has no unix time", method: "GET", path: "/_emulator/clock")
    }

    public func advance(seconds: Double) async throws(YousignError) -> APIResult {
        // whole seconds as an integer when they fit exactly; anything else (huge, fractional,
        // even invalid: the emulator answers 400) as a double, never a trapping conversion
        let whole = seconds.isFinite && seconds == seconds.rounded() && abs(seconds) < 9e15
        return try await send("POST", "/clock/advance", body: .object(["seconds": whole ? .integer(Int64(seconds)) : .double(seconds)]))
    }

    public func reset() async throws(YousignError) -> APIResult { try await send("POST", "/reset") }

    /// Puts the emulator's clock back on real time and keeps its state (`{now, unix, offset_seconds}`).
    public func resetClock() async throws(YousignError) -> APIResult { try await send("POST", "/clock/reset") }

    public func deliveries() async throws(YousignError) -> APIResult { try await send("GET", "/webhook_deliveries") }

    /// Adds a fault rule (`{method, path, status | drop, count, retry_after}`, checked by the
    /// emulator) and answers `{faults: [...]}`, the rules still active.
    public func addFault(_ rule: JSONValue) async throws(YousignError) -> APIResult { try await send("POST", "/faults", body: rule) }

    public func faults() async throws(YousignError) -> APIResult { try await send("GET", "/faults") }

    public func clearFaults() async throws(YousignError) -> APIResult { try await send("DELETE", "/faults") }

    /// Adds a workflow template (`POST /_emulator/workflow_templates`: name, action_groups...).
    public func addTemplate(_ template: JSONValue) async throws(YousignError) -> APIResult {
        try await send("POST", "/workflow_templates", body: template)
    }

    private func segment(_ value: String) throws(YousignError) -> String {
        guard APICall.isPathSegment(value) else {
            throw YousignError(status: nil, type: "request.invalid", detail: "'\(value.prefix(60))' is not an id", method: "POST", path: "/_emulator")
        }
        return value
    }
}
