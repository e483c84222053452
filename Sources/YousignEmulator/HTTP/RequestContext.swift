import Foundation
import GRDB
import JSONCodec
import YousignWire

/// Everything a handler needs: the request, its path parameters, the store (inside the
/// request's transaction), the emulator's now, ids, and the events it emits.
struct RequestContext {
    let db: Database
    let request: WireRequest
    let params: [String: String]
    let now: Date
    let services: EmulatorServices
    /// Events emitted by this request, turned into webhook deliveries when it commits.
    var events: [PendingEvent] = []

    var timestamp: String { Timestamp.string(now) }

    func newID() -> String { services.ids.next() }

    /// A path parameter; ids must be UUIDs, anything else is not found.
    func id(_ name: String, _ what: String = "resource") throws -> String {
        guard let value = params[name], Validation.isUUID(value) else { throw APIError.notFound(what) }
        return value.lowercased()
    }

    /// The JSON object body; 415 when the Content-Type is not JSON, 400 when it does not parse.
    func jsonBody(allowEmpty: Bool = false) throws -> JSONObject {
        if request.body.isEmpty && allowEmpty { return [:] }
        guard request.headers.mediaType == "application/json" else { throw APIError.unsupportedMediaType("application/json") }
        return try parseJSONObject(request.body)
    }

    func parseJSONObject(_ bytes: [UInt8]) throws -> JSONObject {
        let value: JSONValue
        do { value = try JSONValue(parsing: bytes) } catch {
            throw APIError.badRequest("parameters_not_valid", "The request body is not valid JSON: \(error)")
        }
        guard case .object(let o) = value else { throw APIError.badRequest("parameters_not_valid", "The request body must be a JSON object.") }
        return o
    }

    var isMultipart: Bool { request.headers.mediaType == "multipart/form-data" }
    var isJSON: Bool { request.headers.mediaType == "application/json" }

    /// The multipart form; 415 when the body is not multipart.
    func form() throws -> MultipartForm {
        guard isMultipart else { throw APIError.unsupportedMediaType("multipart/form-data") }
        return try MultipartForm.parse(request)
    }

    mutating func emit(_ name: String, workspace: String?, _ data: JSONObject) {
        events.append(PendingEvent(name: name, workspaceID: workspace, data: data))
    }

    /// The default workspace's id.
    func defaultWorkspaceID() throws -> String {
        for (_, w) in try db.resources(.workspace) where w["default"]?.boolValue == true {
            if let id = w["id"]?.stringValue { return id }
        }
        throw APIError.internal
    }

    /// A workspace id from a request (checked to exist), or the default one.
    func workspaceID(_ requested: String?, field: String = "workspace_id") throws -> String {
        guard let requested else { return try defaultWorkspaceID() }
        guard let w = try db.resource(.workspace, requested.lowercased()), w["deleted_at"] == .null || w["deleted_at"] == nil else {
            throw APIError.validation(field, "Workspace not found.")
        }
        return requested.lowercased()
    }
}

struct PendingEvent {
    var name: String
    var workspaceID: String?
    var data: JSONObject
}

/// What handlers share across requests.
struct EmulatorServices: Sendable {
    let ids: any IDGenerator
    let verificationDelay: TimeInterval
}

/// Strips internal fields (`_file_id`, ...) from a stored document before it is returned.
func publicBody(_ body: JSONObject) -> JSONValue {
    .object(body.filter { !$0.key.hasPrefix("_") })
}
