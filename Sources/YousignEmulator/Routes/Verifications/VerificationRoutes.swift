import JSONCodec

/// Verifications (§5.1–§5.2) and document analyses (§5.3): to be filled in.
enum VerificationRoutes {
    static func register(_ r: inout Router) {}
}

enum VerificationLifecycle {
    /// Timer action: a delayed verification reaches its final status.
    static func completeScheduled(_ context: inout RequestContext, _ id: String) throws {}
}

/// Every magic value of the sandbox (§2.10) and what it does.
enum Scenarios {
    static let all: JSONValue = .object([:])
}
