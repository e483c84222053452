import Foundation
import JSONCodec
import OnboardRuns
import YousignWire

/// What `POST /webhooks/yousign/{client}` does with a delivery, before any HTTP: the client must
/// exist, the body fit, the signature match the client's secret, the body be an event; then the
/// event is stored (durably, before the answer) or recognised as one already stored. Processing
/// happens later, from the store, never inside the request.
public struct WebhookIntake: Sendable {
    /// Yousign's events are a few KiB; this leaves room and refuses what cannot be one.
    public static let maxBody = 1 << 20

    public enum Outcome: Sendable, Equatable {
        /// Stored; answer 200.
        case stored(eventID: String, name: String)
        /// Already stored (Yousign retried); acknowledged with 200, not processed again.
        case duplicate(eventID: String)
        /// Refused with this status and reason; nothing stored.
        case rejected(status: Int, reason: String)

        public var status: Int {
            if case .rejected(let status, _) = self { return status }
            return 200
        }
    }

    public let store: RunStore
    /// Each client's webhook secret (from its `webhook_secret_env`), by client name.
    public let secrets: [String: [UInt8]]

    public init(store: RunStore, secrets: [String: [UInt8]]) {
        self.store = store
        self.secrets = secrets
    }

    public func receive(client: String, body: [UInt8], signature: String?) -> Outcome {
        guard let secret = secrets[client] else {
            return .rejected(status: 404, reason: "no client '\(client)' with a webhook secret in the configuration")
        }
        guard body.count <= Self.maxBody else {
            return .rejected(status: 413, reason: "the body is over \(Self.maxBody >> 20) MiB; a Yousign event is a few KiB")
        }
        guard signature != nil else { return .rejected(status: 401, reason: "no \(WebhookSignature.header) header") }
        guard WebhookSignature.verify(body: body, signature: signature, secret: secret) else {
            return .rejected(status: 401, reason: "\(WebhookSignature.header) does not match the body under client '\(client)''s secret")
        }
        guard let event = try? JSONValue(parsing: body), let id = event["event_id"]?.stringValue, !id.isEmpty,
              let name = event["event_name"]?.stringValue, !name.isEmpty else {
            return .rejected(status: 400, reason: "the body is not a Yousign event (a JSON object with event_id and event_name)")
        }
        do {
            return try store.storeEvent(client: client, eventID: id, name: name, body: body, objects: Self.objects(of: event))
                ? .stored(eventID: id, name: name) : .duplicate(eventID: id)
        } catch {
            return .rejected(status: 503, reason: "the event could not be stored (\(error.description)); Yousign will retry")
        }
    }

    /// The ids an event is about: each object's `id` under `data` (`signature_request`,
    /// `signer`, `workflow_session`...).
    public static func objects(of event: JSONValue) -> [String] {
        guard let data = event["data"]?.objectValue else { return [] }
        return data.keys.sorted().compactMap { data[$0]?["id"]?.stringValue }.filter { !$0.isEmpty }
    }
}
