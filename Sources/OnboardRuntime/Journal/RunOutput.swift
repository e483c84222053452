import Foundation

/// What a journaled run prints: counted, kept for the store up to its cap, and not printed
/// again while a resumed run replays the part the first attempt already printed.
public final class RunOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var printed = 0
    private var kept: Int
    private var pending: [UInt8] = []
    private let cap: Int
    /// Bytes not shown again: what the run printed before it was resumed.
    private let silentUntil: Int
    private let sink: @Sendable (UnsafeRawBufferPointer) -> Void

    public init(alreadyPrinted: Int = 0, alreadyKept: Int = 0, cap: Int, sink: @escaping @Sendable (UnsafeRawBufferPointer) -> Void) {
        self.silentUntil = alreadyPrinted
        self.kept = alreadyKept
        self.cap = cap
        self.sink = sink
    }

    /// The output callback of the run.
    public func write(_ bytes: UnsafeRawBufferPointer) {
        let (start, shown) = lock.withLock { () -> (Int, Int) in
            let start = printed
            printed += bytes.count
            // the replayed part is neither shown nor stored again
            let fresh = max(0, printed - max(start, silentUntil))
            let from = bytes.count - fresh
            let room = max(0, cap - kept)
            if room > 0 && fresh > 0 {
                pending += bytes[from..<(from + min(room, fresh))]
                kept += min(room, fresh)
            }
            return (from, fresh)
        }
        if shown > 0 { sink(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + shown)])) }
    }

    /// Bytes printed in all, the replayed part included.
    public var total: Int { lock.withLock { max(printed, silentUntil) } }

    /// The output to store with the next write, once.
    public func take() -> [UInt8] {
        lock.withLock {
            defer { pending = [] }
            return pending
        }
    }
}
