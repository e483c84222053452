import JSONCodec
import YousignWire

/// Failures on demand (`POST /_emulator/faults`, docs/emulator.md "Faults and latency"): the
/// next `count` API requests matching a rule fail with a 429 or a 5xx before anything is done,
/// or are acted on and then lose their response (`drop`). The rules live in memory, not in the
/// store: a restart or `POST /_emulator/reset` clears them.
struct FaultRules: Sendable {
    struct Rule: Sendable, Equatable {
        enum Outcome: Sendable, Equatable {
            /// The request fails with this status and is not acted on.
            case status(Int, retryAfter: Int?)
            /// The request is acted on, then the connection closes without a response.
            case drop
        }

        var id: Int
        /// Upper-cased; nil matches any method.
        var method: String?
        /// The pattern as given (`/signature_requests/*/documents`) and its segments.
        var path: String
        var segments: [String]
        var outcome: Outcome
        var remaining: Int

        /// `*` stands for exactly one segment; every other segment must be equal.
        func matches(method: String, segments: [String]) -> Bool {
            guard self.method == nil || self.method == method, segments.count == self.segments.count else { return false }
            return zip(self.segments, segments).allSatisfy { $0 == "*" || $0 == $1 }
        }

        /// `{id, method, path, status | drop, retry_after, remaining}` (no `method` when any matches).
        var json: JSONValue {
            var o: [String: JSONValue] = ["id": .integer(Int64(id)), "path": .string(path), "remaining": .integer(Int64(remaining))]
            if let method { o["method"] = .string(method) }
            switch outcome {
            case .status(let status, let retryAfter):
                o["status"] = .integer(Int64(status))
                if let retryAfter { o["retry_after"] = .integer(Int64(retryAfter)) }
            case .drop: o["drop"] = true
            }
            return .object(o)
        }
    }

    static let statuses = [429, 500, 502, 503, 504]

    private(set) var rules: [Rule] = []
    private var lastID = 0

    /// Adds a rule read from `POST /_emulator/faults`'s body, with the next id.
    mutating func add(_ body: [String: JSONValue]) throws(APIError) {
        var rule = try Self.rule(body)
        lastID += 1
        rule.id = lastID
        rules.append(rule)
    }

    /// The outcome for an API request (its path without `/v3`), counting it against the
    /// first rule it matches; a rule that runs out is removed.
    mutating func take(method: String, apiPath: Substring) -> Rule? {
        guard !rules.isEmpty else { return nil }
        let segments = apiPath.split(separator: "/").map(String.init)
        guard let index = rules.firstIndex(where: { $0.matches(method: method, segments: segments) }) else { return nil }
        rules[index].remaining -= 1
        let rule = rules[index]
        if rule.remaining == 0 { rules.remove(at: index) }
        return rule
    }

    mutating func clear() { rules.removeAll() }

    var json: JSONValue { .object(["faults": .array(rules.map(\.json))]) }

    // MARK: reading a rule

    static let accepted = #"A fault rule is {"path": "/signature_requests/*/documents", "status": 429, 500, 502, 503 or 504 "#
        + #"(or "drop": true), "method", "count", "retry_after"}: `*` stands for one path segment."#

    private static let fields: Set<String> = ["method", "path", "status", "drop", "count", "retry_after"]
    private static let methods: Set<String> = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    static func rule(_ body: [String: JSONValue]) throws(APIError) -> Rule {
        var problems: [APIError.InvalidParam] = []
        func problem(_ name: String, _ reason: String) { problems.append(APIError.InvalidParam(name: name, reason: reason)) }
        for name in body.keys.sorted() where !fields.contains(name) { problem(name, "Not a field of a fault rule.") }

        var method: String?
        if let value = body["method"], !value.isNull {
            if let text = value.stringValue?.uppercased(), methods.contains(text) { method = text } else {
                problem("method", "Must be GET, POST, PUT, PATCH or DELETE (or absent for any method).")
            }
        }
        // the query is ignored; `/v3/x` is `/x`, as `yousign.request` reads it
        var path = body["path"]?.stringValue.map { String($0.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]) }
        var segments = path?.split(separator: "/").map(String.init) ?? []
        if path?.hasPrefix("/") == true, segments.first == "v3" {
            segments.removeFirst()
            path = "/" + segments.joined(separator: "/")
        }
        if let reason = pathProblem(path, segments) { problem("path", reason) }

        let drop = body["drop"]?.boolValue
        if let value = body["drop"], drop == nil, !value.isNull { problem("drop", "Must be true or false.") }
        let status = body["status"].flatMap { $0.isNull ? nil : $0 }
        var outcome = Rule.Outcome.drop
        switch (status, drop == true) {
        case (nil, true): break
        case (nil, false): problem("status", "A status (429, 500, 502, 503 or 504) or \"drop\": true is required.")
        case (.some, true): problem("status", "A rule has a status or \"drop\": true, not both.")
        case (.some(let value), false):
            if let code = value.intValue, statuses.contains(Int(code)) {
                outcome = .status(Int(code), retryAfter: code == 429 ? 1 : nil)
            } else {
                problem("status", "Must be 429, 500, 502, 503 or 504.")
            }
        }
        if let value = body["retry_after"], !value.isNull {
            if let seconds = value.intValue, seconds >= 0, seconds <= 86_400 {
                if case .status(let code, _) = outcome { outcome = .status(code, retryAfter: Int(seconds)) }
                if drop == true { problem("retry_after", "A dropped connection has no Retry-After.") }
            } else {
                problem("retry_after", "Must be a whole number of seconds from 0 to 86400.")
            }
        }
        var count = 1
        if let value = body["count"], !value.isNull {
            if let n = value.intValue, n >= 1, n <= 1_000_000 { count = Int(n) } else {
                problem("count", "Must be a whole number from 1 to 1000000.")
            }
        }
        guard problems.isEmpty, let path else {
            throw APIError(status: 400, type: "validation.error", detail: accepted, invalidParams: problems)
        }
        return Rule(id: 0, method: method, path: path, segments: segments, outcome: outcome, remaining: count)
    }

    /// Why a path cannot be a pattern, or nil.
    private static func pathProblem(_ path: String?, _ segments: [String]) -> String? {
        guard let path else { return "Required: the API path as flows name it, like /signature_requests/*/documents." }
        guard path.hasPrefix("/"), !segments.isEmpty else { return "Must start with / and name at least one segment." }
        if segments[0] == "_emulator" { return "Rules never match the /_emulator control routes." }
        if segments.contains(where: { $0 != "*" && $0.contains("*") }) { return "`*` stands for a whole segment (/signature_requests/*)." }
        return nil
    }
}

extension FaultRules.Rule {
    /// The failure a status rule answers: Yousign's error shapes (API.md §2.6), naming the rule
    /// so that a leftover one is easy to find.
    func errorResponse(status: Int, retryAfter: Int?) -> WireResponse {
        var error: APIError
        switch status {
        case 429: error = .tooManyRequests(retryAfter: retryAfter ?? 1)
        default:
            let what = switch status {
            case 500: "Something wrong occurred"
            case 502: "Bad gateway"
            case 503: "Service unavailable"
            default: "Gateway timeout"
            }
            error = APIError(status: status, type: "about:blank", detail: "\(what) (emulator fault \(id)).")
            if let retryAfter { error.headers.set("Retry-After", String(retryAfter)) }
        }
        return error.response
    }
}
