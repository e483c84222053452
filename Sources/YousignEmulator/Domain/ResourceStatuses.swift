import JSONCodec

/// A resource's `status` as Swift sees it; the raw value is the wire string, so a body stores
/// and returns exactly what API.md names. Interpolated into error details as that string.
protocol ResourceStatus: RawRepresentable, CustomStringConvertible, Sendable where RawValue == String {}

extension ResourceStatus {
    var description: String { rawValue }
    var json: JSONValue { .string(rawValue) }
}

/// §6.1. `deleted` is the soft-deleted request.
enum SignatureRequestStatus: String, ResourceStatus {
    case draft, approval, ongoing, done, expired, canceled, declined, rejected, deleted
}

/// The signer statuses the emulator reaches (§6.4).
enum SignerStatus: String, ResourceStatus {
    case initiated, notified, signed, declined, aborted
}

enum ApproverStatus: String, ResourceStatus {
    case initiated, notified, approved, rejected
}

/// A workflow session's status and each of its action groups' (§4.3).
enum WorkflowStatus: String, ResourceStatus {
    case awaiting, ongoing, blocked, done
}

/// Verifications (§5) and document analyses, whose success is `done` where verifications say
/// `verified`.
enum VerificationStatus: String, ResourceStatus {
    case pending, awaitingData = "awaiting_data", verified, done, failed, inconclusive
}

enum ApplicantStatus: String, ResourceStatus {
    case initiated, notified, processed
}

extension Dictionary where Key == String, Value == JSONValue {
    /// The body's `status` as `S`; nil when it has none or one `S` does not name.
    func status<S: ResourceStatus>(_: S.Type) -> S? { self["status"]?.stringValue.flatMap(S.init(rawValue:)) }

    /// The status of a body the emulator stored: each is written with one of `S`'s cases, so
    /// anything else is a bug, not a request to answer.
    func storedStatus<S: ResourceStatus>(_: S.Type) -> S {
        guard let s = status(S.self) else { preconditionFailure("a stored body without a \(S.self): \(self["status"] ?? .null)") }
        return s
    }

    mutating func setStatus(_ status: some ResourceStatus) { self["status"] = status.json }
}
