import YousignWire

/// Spaces a client's requests so that the API key's quota is not exceeded: `admit` waits until
/// the request may go, `observe` hears what the response said (its status and RateLimit
/// headers). One gate is shared by every client that uses the same key (OnboardRuntime's
/// `RateGate` shares it between processes too).
public protocol RequestGate: Sendable {
    /// Returns when a request may be sent; returns early when the task is cancelled.
    func admit() async
    /// The response's status and headers; nil status when no response came (the request failed
    /// on the way), which still ends the admitted request.
    func observe(status: Int?, headers: WireHeaders) async
}
