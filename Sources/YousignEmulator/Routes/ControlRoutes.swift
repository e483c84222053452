import Foundation
import GRDB
import JSONCodec
import YousignWire

/// The control surface under `/_emulator` that stands in for what happens outside the API:
/// the clock, a reset, the webhook delivery log and the list of magic values. Signers,
/// approvers and verification results have their control routes beside their resources.
enum ControlRoutes {
    static func register(_ r: inout Router) {
        r.add("GET", "/_emulator/webhook_deliveries", auth: false) { c in
            let rows = try Row.fetchAll(c.db, sql: "SELECT * FROM delivery ORDER BY seq")
            let list: [JSONValue] = try rows.map { row in
                let body = try JSONValue(parsing: [UInt8](row["body"] as Data))
                return .object([
                    "id": .string(row["id"]), "subscription_id": .string(row["subscription_id"]),
                    "event_id": .string(row["event_id"]), "event_name": .string(row["event_name"]),
                    "endpoint": .string(row["endpoint"]), "status": .string(row["status"]),
                    "attempts": .integer(row["attempts"]),
                    "next_attempt_at": (row["next_attempt_at"] as Double?).map { .string(Timestamp.string(Date(timeIntervalSince1970: $0))) } ?? .null,
                    "attempt_log": try JSONValue(parsing: row["log"] as String), "body": body,
                ])
            }
            return Responses.json(200, .object(["data": .array(list)]))
        }
        r.add("GET", "/_emulator/scenarios", auth: false) { _ in Responses.json(200, Scenarios.all) }
        r.add("GET", "/_emulator/clock") { emulator, _ in emulator.clockResponse() }
        r.add("POST", "/_emulator/clock/advance") { emulator, request in
            try await emulator.advanceClock(by: try advanceSeconds(request, now: emulator.now))
            return emulator.clockResponse()
        }
        r.add("POST", "/_emulator/clock/reset") { emulator, _ in
            try await emulator.resetClock()
            return emulator.clockResponse()
        }
        r.add("GET", "/_emulator/traffic") { emulator, request in emulator.trafficResponse(request) }
        r.add("POST", "/_emulator/reset") { emulator, _ in
            try await emulator.reset()
            return Responses.empty()
        }
    }

    /// `{"seconds": N}`: a finite number, 0 or more, that keeps the clock before the year 9999.
    private static func advanceSeconds(_ request: WireRequest, now: Date) throws -> Double {
        let body = try RequestContext.parseBody(request)
        guard let s = body["seconds"]?.doubleValue ?? body["seconds"]?.intValue.map(Double.init), s >= 0, s.isFinite else {
            throw APIError.validation("seconds", "A number of seconds (0 or more) is required.")
        }
        // [I] the clock stays before the year 9999: dates after it have no ISO-8601 form
        guard now.timeIntervalSince1970 + s < YousignEmulator.latestInstant else {
            throw APIError.validation("seconds", "The clock cannot move past 9999-12-31.")
        }
        return s
    }
}

extension YousignEmulator {
    /// `{now, unix, offset_seconds}`, the answer of every clock route.
    func clockResponse() -> WireResponse {
        let now = self.now
        return Responses.json(200, .object([
            "now": .string(Timestamp.string(now)), "unix": .integer(Int64(now.timeIntervalSince1970.rounded(.down))),
            "offset_seconds": .double(clockOffset),
        ]))
    }
}

extension RequestContext {
    /// A JSON object body outside a handler (empty body → empty object).
    static func parseBody(_ request: WireRequest) throws -> JSONObject {
        if request.body.isEmpty { return [:] }
        guard request.headers.mediaType == "application/json" else { throw APIError.unsupportedMediaType("application/json") }
        guard case .object(let o) = (try? JSONValue(parsing: request.body)) ?? .null else {
            throw APIError.badRequest("parameters_not_valid", "The request body must be a JSON object.")
        }
        return o
    }
}
