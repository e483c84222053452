import CLua
import Foundation

/// A Lua value kept alive in the registry of its state (functions, userdata, threads).
///
/// It is released when the reference is deinitialised; because that may happen on any thread,
/// the release is queued and carried out by the state on its own thread.
public final class LuaReference: Hashable {
    let ref: Int32
    let registry: ReferenceRegistry

    init(ref: Int32, registry: ReferenceRegistry) {
        self.ref = ref
        self.registry = registry
    }

    deinit { registry.release(ref) }

    public static func == (a: LuaReference, b: LuaReference) -> Bool { a === b }
    public func hash(into h: inout Hasher) { h.combine(ObjectIdentifier(self)) }
}

/// The queue of registry slots whose Swift references died, drained by the state's thread.
final class ReferenceRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [Int32] = []
    private(set) var isClosed = false

    func release(_ ref: Int32) {
        lock.withLock { if !isClosed { pending.append(ref) } }
    }

    func drain() -> [Int32] {
        lock.withLock {
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
    }

    func close() { lock.withLock { isClosed = true; pending.removeAll() } }
}
