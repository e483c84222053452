import Foundation
import YousignWire

/// GET responses of `/v3`, kept until the next write. Flows poll (`yousign.wait` reads a session
/// or a signature request until its status changes), so the same GET comes again and again
/// between two writes; answering it from memory skips the store and the JSON round trip.
/// Every write bumps the version, and an entry answers only for the version it was read at.
final class ResponseCache: @unchecked Sendable {
    private let lock = NSLock()
    private var version: UInt64 = 0
    private var entries: [String: (version: UInt64, response: WireResponse)] = [:]
    static let maxEntries = 1024

    /// The current version, to tag what a read is about to produce.
    var currentVersion: UInt64 { lock.withLock { version } }

    func lookup(_ key: String) -> WireResponse? {
        lock.withLock {
            guard let e = entries[key], e.version == version else { return nil }
            return e.response
        }
    }

    func store(_ key: String, _ response: WireResponse, readAt v: UInt64) {
        lock.withLock {
            guard v == version else { return }
            if entries.count >= Self.maxEntries { entries.removeAll(keepingCapacity: true) }
            entries[key] = (v, response)
        }
    }

    /// Something was written: every cached response is stale.
    func invalidate() {
        lock.withLock {
            version &+= 1
            entries.removeAll(keepingCapacity: true)
        }
    }
}
