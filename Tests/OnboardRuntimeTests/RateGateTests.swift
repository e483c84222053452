import Foundation
import OnboardRuns
import Testing
import YousignWire
@testable import OnboardRuntime

/// Where a key's limits come from: the headers a response carries, Yousign's documentation for
/// its hosts, what the store remembers, a client's own `rate_limit`.
@Suite("Rate gate")
struct RateGateTests {
    @Test("headers: X-RateLimit-Limit-Second/Minute/Hour win; RateLimit-Limit alone is the minute's, or RateLimit-Policy's window")
    func headers() {
        #expect(RateGate.limits(in: ["X-RateLimit-Limit-Minute": "60", "X-RateLimit-Limit-Hour": "1200", "RateLimit-Limit": "60"]) == .production)
        #expect(RateGate.limits(in: ["X-RateLimit-Limit-Second": "20", "RateLimit-Limit": "20"]) == RateLimits([.init(count: 20, seconds: 1)]))
        #expect(RateGate.limits(in: ["RateLimit-Limit": "30"]) == RateLimits([.init(count: 30, seconds: 60)]))
        #expect(RateGate.limits(in: ["RateLimit-Limit": "5", "RateLimit-Policy": "5;w=1"]) == RateLimits([.init(count: 5, seconds: 1)]))
        #expect(RateGate.limits(in: [:]).isEmpty)
    }

    @Test("documented limits for Yousign's hosts only")
    func documented() {
        #expect(RateGate.documented(baseURL: "https://api-sandbox.yousign.app/v3") == .sandbox)
        #expect(RateGate.documented(baseURL: "https://api.yousign.app/v3") == .production)
        #expect(RateGate.documented(baseURL: "http://127.0.0.1:8080/v3") == nil)
    }

    @Test("limits heard are remembered in the store for the next gate of the key, never the key itself; a client's own win")
    func remembered() async throws {
        let store = try RunStore.open(path: nil)
        let gate = RateGate(key: "sk_test_secret", store: store)
        #expect(gate.limits == nil, "nothing known yet: one request at a time")
        await gate.admit()
        await gate.observe(status: 200, headers: ["X-RateLimit-Limit-Second": "20"])
        #expect(gate.limits == RateLimits([.init(count: 20, seconds: 1)]))
        #expect(RateGate(key: "sk_test_secret", store: store).limits == gate.limits, "the next process knows")
        #expect(try store.rateLimits(key: "sk_test_secret") == nil, "stored under a digest, not the key")
        let custom = RateLimits([.init(count: 5, seconds: 1)])
        #expect(RateGate(key: "sk_test_secret", store: store, configured: custom).limits == custom)
        await gate.observe(status: 429, headers: ["X-RateLimit-Limit-Second": "20"])
        #expect(gate.limitedCount == 1)
    }
}
