import Foundation
import GRDB
import JSONCodec

/// Turns the events a request emitted into one delivery per matching subscription, in the same
/// transaction (API.md §7.3): a committed change always has its deliveries queued.
enum WebhookEvents {
    static func enqueue(_ events: [PendingEvent], in context: RequestContext) throws {
        guard !events.isEmpty else { return }
        let subscriptions = try context.db.resources(.webhook).map(\.body)
        for event in events {
            for sub in subscriptions where matches(sub, event) {
                guard let subID = sub["id"]?.stringValue, let endpoint = sub["endpoint"]?.stringValue else { continue }
                let eventID = context.newID()
                let envelope: JSONObject = [
                    "event_id": .string(eventID),
                    "event_name": .string(event.name),
                    "event_time": .string(String(Int64(context.now.timeIntervalSince1970))),
                    "subscription_id": .string(subID),
                    "subscription_description": sub["description"] ?? .null,
                    "sandbox": .bool(true),
                    "data": .object(event.data),
                ]
                try context.db.execute(sql: """
                    INSERT INTO delivery (id, subscription_id, event_id, event_name, endpoint, body, status, next_attempt_at, auto_retry)
                    VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)
                    """, arguments: [context.newID(), subID, eventID, event.name, endpoint,
                                     Data(try JSONValue.object(envelope).encoded()), context.now.timeIntervalSince1970,
                                     sub["auto_retry"]?.boolValue == true ? 1 : 0])
            }
        }
    }

    static func matches(_ sub: JSONObject, _ event: PendingEvent) -> Bool {
        guard sub["enabled"]?.boolValue == true else { return false }
        let names = sub["subscribed_events"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard names.contains("*") || names.contains(event.name) else { return false }
        let scopes = sub["scopes"]?.arrayValue?.compactMap(\.stringValue) ?? ["*"]
        guard scopes.contains("*") || scopes.contains("public_api") else { return false }
        let workspaces = sub["workspaces"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if workspaces.isEmpty || workspaces.contains("*") { return true }
        guard let w = event.workspaceID else { return true }
        return workspaces.contains(w)
    }
}
