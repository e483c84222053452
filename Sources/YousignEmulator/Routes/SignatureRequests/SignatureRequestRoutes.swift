/// Signature requests (§6): to be filled in.
enum SignatureRequestRoutes {
    static func register(_ r: inout Router) {}
}

enum SignatureRequestLifecycle {
    /// Timer action: the request's expiration date passed.
    static func expire(_ context: inout RequestContext, _ id: String) throws {}
}
