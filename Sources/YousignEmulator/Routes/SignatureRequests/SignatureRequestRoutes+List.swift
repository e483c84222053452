import Foundation
import JSONCodec
import YousignWire

/// `GET /v3/signature_requests` (§2.5): deepObject filters, `q`, the default
/// `source[eq]=public_api`, cursor pagination of `SignatureRequestInList` items.
extension SignatureRequestRoutes {
    static let dateFilters = ["created_at", "activated_at", "completed_at", "approved_at", "rejected_at", "declined_at"]

    static func list(_ c: inout RequestContext) throws -> WireResponse {
        var allowed: [String: Set<String>] = [
            "status": ["eq", "in"], "workspace_id": ["eq"], "external_id": ["eq"], "source": ["eq", "in"], "label.name": ["eq", "in"],
        ]
        for field in dateFilters { allowed[field] = ["eq", "between", "before", "after"] }
        let filters = try Filters(c, allowed: allowed)
        // `Filters` checks the day format of the range operators; `eq` on a date needs it too
        let badDays = filters.conditions.filter { dateFilters.contains($0.field) && $0.op == "eq" && Timestamp.parseDay($0.value) == nil }
        if !badDays.isEmpty {
            throw APIError.validation(badDays.map { .init(name: "\($0.field)[eq]", reason: "This value should be a date (yyyy-mm-dd).") })
        }
        let search = c.request.queryValue("q")?.lowercased()
        let defaultSource = !filters.has("source")
        let items = try c.db.resources(.signatureRequest).filter { item in
            if defaultSource && item.body["source"]?.stringValue != "public_api" { return false }
            if let search, !search.isEmpty, !(item.body["name"]?.stringValue?.lowercased().contains(search) ?? false) { return false }
            return filters.matches(item.body, fieldValue: fieldValue)
        }
        let db = c.db
        return Responses.json(200, try Pagination.page(items, c) { sr in (try? SignatureRequestRender.inList(db, sr)) ?? publicBody(sr) })
    }

    /// The values a filter compares: dates as their UTC day, label names, nested decline and
    /// rejection dates.
    static func fieldValue(_ sr: JSONObject, _ field: String) -> [String]? {
        let raw: JSONValue?
        switch field {
        case "rejected_at": raw = sr["rejection_information"]?["rejected_at"]
        case "declined_at": raw = sr["decline_information"]?["declined_at"]
        case "label.name": return (sr["labels"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        default: raw = sr[field]
        }
        guard let s = raw?.stringValue else { return nil }
        if dateFilters.contains(field) { return Timestamp.parse(s).map { [Timestamp.day($0)] } }
        return [s]
    }
}
