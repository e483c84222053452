/// When and how long the client waits before sending a request again.
///
/// - GETs are retried on 5xx, on 429 and on timeouts.
/// - Any request is retried on 429 (Yousign refused it before doing anything) and when it surely
///   never reached the server for a reason that may pass (connection refused, connecting timed
///   out); never on a DNS or TLS failure, nor once cancelled. A POST that timed out or got a
///   5xx is not sent again, since it may have created something (Yousign has no idempotency
///   keys, API.md §2.8).
/// - The wait doubles from `baseDelay` up to `maxDelay`, with jitter (a random point in the
///   upper half), and is at least what `Retry-After` asks.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included; 1 turns retries off.
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// The longest `Retry-After` honoured; a longer one fails the call at once.
    public var maxRetryAfter: Double

    public init(maxAttempts: Int = 4, baseDelay: Double = 0.5, maxDelay: Double = 30, maxRetryAfter: Double = 120) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    public static let `default` = RetryPolicy()
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait before attempt `attempt + 1` (attempt counts from 1).
    public func delay(afterAttempt attempt: Int, retryAfter: Double?, random: Double) -> Double {
        let exponential = min(maxDelay, baseDelay * Double(1 << min(attempt - 1, 20)))
        let jittered = exponential / 2 + exponential / 2 * random
        return max(jittered, retryAfter ?? 0)
    }

    /// Whether a response with this status is worth another attempt.
    func shouldRetry(status: Int, idempotent: Bool) -> Bool {
        status == 429 || (idempotent && (500...599).contains(status))
    }

    /// A DNS failure is not retried: a name that does not resolve is nearly always a typo in the
    /// base URL or a machine without network, which no backoff of a few seconds mends; nor is a
    /// failed TLS handshake (http:// against https://, a certificate the system does not trust),
    /// which fails the same way every time. Both are reported at once instead of after 4 attempts.
    func shouldRetry(_ error: TransportError, idempotent: Bool) -> Bool {
        switch error.kind {
        case .notSent: true
        case .timeout, .failed: idempotent
        case .unreachable, .cancelled: false
        }
    }
}
