import CoreMetrics
import Foundation
import OnboardRuns
import OnboardRuntime
import Prometheus
import Synchronization

/// The worker's metrics, through swift-metrics with swift-prometheus as the backend (a registry
/// of its own, so several workers in one process, as in the tests, do not share one), served
/// as Prometheus text on `GET /metrics`:
///
/// - `onboard_runs{client,status}`: runs in the store by client and status (gauge)
/// - `onboard_runs_started_total{client}`, `onboard_runs_ended_total{client,status}`
/// - `onboard_webhooks_total{client,result}`: result is stored, duplicate or rejected_<status>
/// - `onboard_events_processed_total{client}`, `onboard_events_pending`
/// - `onboard_api_requests_total{client,key}`, `onboard_api_rate_limited_total{client,key}`
///   (key is the rate gate's digest of the key, never the key)
/// - `onboard_queue_depth` (runs waiting for a run thread), `onboard_runs_parked`
public final class WorkerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    private let seen = Mutex<[String: Int]>([:])

    public init() {
        factory = PrometheusMetricsFactory(registry: registry)
    }

    func counter(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
    }

    func gauge(_ label: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Gauge {
        CoreMetrics.Gauge(label: label, dimensions: dimensions, factory: factory)
    }

    func started(client: String) { counter("onboard_runs_started_total", [("client", client)]).increment() }

    func ended(client: String, status: RunStatus) {
        counter("onboard_runs_ended_total", [("client", client), ("status", status.rawValue)]).increment()
    }

    public func webhook(client: String, result: String) {
        counter("onboard_webhooks_total", [("client", client), ("result", result)]).increment()
    }

    func processed(client: String) { counter("onboard_events_processed_total", [("client", client)]).increment() }

    func queueDepth(_ n: Int) { gauge("onboard_queue_depth").record(n) }
    func parked(_ n: Int) { gauge("onboard_runs_parked").record(n) }
    func pendingEvents(_ n: Int) { gauge("onboard_events_pending").record(n) }

    /// Reads what is counted elsewhere (the store's runs, each client's rate gate) into the
    /// metrics, just before they are served.
    func refresh(store: RunStore, clients: [String: WorkerClient]) {
        if let counts = try? store.runCounts() {
            var byKey: [String: Int] = [:]
            for c in counts { byKey["\(c.client)\u{0}\(c.status)", default: 0] += c.count }
            for client in clients.keys {
                for status in RunStatus.allCases { byKey["\(client)\u{0}\(status.rawValue)", default: 0] += 0 }
            }
            for (key, n) in byKey {
                let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
                gauge("onboard_runs", [("client", parts[0]), ("status", parts[1])]).record(n)
            }
        }
        for client in clients.values {
            guard let gate = client.host.gate as? RateGate else { continue }
            let dims = [("client", client.name), ("key", gate.keyID)]
            advance("onboard_api_requests_total", dims, to: gate.requestCount)
            advance("onboard_api_rate_limited_total", dims, to: gate.limitedCount)
        }
    }

    /// Moves a counter up to a total kept elsewhere.
    private func advance(_ label: String, _ dims: [(String, String)], to total: Int) {
        let key = label + dims.map { "\u{0}\($0.1)" }.joined()
        let delta = seen.withLock { s -> Int in
            defer { s[key] = max(s[key] ?? 0, total) }
            return total - (s[key] ?? 0)
        }
        let counter = counter(label, dims)
        if delta > 0 { counter.increment(by: delta) } else { counter.increment(by: 0) }
    }

    /// The Prometheus text exposition.
    public func text(store: RunStore, clients: [String: WorkerClient]) -> String {
        refresh(store: store, clients: clients)
        return registry.emitToString()
    }
}
