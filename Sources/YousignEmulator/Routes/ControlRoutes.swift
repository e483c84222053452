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
        // handled by YousignEmulator itself (they change its in-memory clock and limits)
        for (method, path) in [("GET", "/_emulator/clock"), ("POST", "/_emulator/clock/advance"), ("POST", "/_emulator/reset")] {
            r.add(method, path, auth: false) { _ in throw APIError(status: 500, type: "about:blank", detail: "Something wrong occurred.") }
        }
    }
}

extension YousignEmulator {
    /// Control routes that change the emulator's own state, not only the store.
    func handleControl(_ request: WireRequest) async -> WireResponse? {
        switch (request.method, request.path) {
        case ("GET", "/_emulator/clock"):
            return clockResponse()
        case ("POST", "/_emulator/clock/advance"):
            let seconds: Double
            do {
                let body = try RequestContext.parseBody(request)
                guard let s = body["seconds"]?.doubleValue ?? body["seconds"]?.intValue.map(Double.init), s >= 0, s.isFinite else {
                    return APIError.validation("seconds", "A number of seconds (0 or more) is required.").response
                }
                // [I] the clock stays before the year 9999: dates after it have no ISO-8601 form
                guard now.timeIntervalSince1970 + s < Self.latestInstant else {
                    return APIError.validation("seconds", "The clock cannot move past 9999-12-31.").response
                }
                seconds = s
            } catch let error as APIError { return error.response } catch { return nil }
            do {
                let offset = try await writer.write { db in
                    let offset = try db.clockOffset() + seconds
                    try db.setMeta("clock_offset", String(offset))
                    return offset
                }
                clockOffset.set(offset)
                cache.invalidate()
            } catch {
                return APIError(status: 500, type: "about:blank", detail: "Something wrong occurred.").response
            }
            await tick()
            return clockResponse()
        case ("POST", "/_emulator/reset"):
            do {
                let fixtures = configuration.fixtures
                try await writer.write { db in try Seeding.reset(db, fixtures) }
                clockOffset.set(0)
                rateLimiter.reset()
                cache.invalidate()
            } catch {
                return APIError(status: 500, type: "about:blank", detail: "Something wrong occurred.").response
            }
            return Responses.empty()
        default:
            return nil
        }
    }

    /// 9999-12-31T23:59:59Z: the emulator's clock never goes past it.
    static let latestInstant: Double = 253_402_300_799

    private func clockResponse() -> WireResponse {
        let now = self.now
        return Responses.json(200, .object([
            "now": .string(Timestamp.string(now)), "unix": .integer(Int64(now.timeIntervalSince1970.rounded(.down))),
            "offset_seconds": .double(clockOffset.value),
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
