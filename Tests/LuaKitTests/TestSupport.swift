import Foundation
import LuaKit
import Synchronization

/// Runs `body` with a fresh state on a large-stack thread, checks the stack is balanced after
/// it, and closes the state.
func withState<T>(
    _ environment: LuaState.Environment = .sandbox, limits: LuaLimits = .none,
    output: Output? = nil, _ body: @escaping (LuaState) throws -> T
) throws -> T {
    try LuaThread.run {
        let state = try LuaState(environment: environment, limits: limits, output: { bytes in output?.append(bytes) })
        defer { state.close() }
        let top = state.stackTop
        let result = try body(state)
        guard state.stackTop == top else { throw StackImbalance(before: top, after: state.stackTop) }
        return result
    }
}

struct StackImbalance: Error { let before: Int32, after: Int32 }

/// Collects script output.
final class Output: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    func append(_ b: UnsafeRawBufferPointer) { lock.withLock { bytes.append(contentsOf: b) } }
    var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }
    var count: Int { lock.withLock { bytes.count } }
}

/// Runs a chunk and returns its results.
@discardableResult
func run(_ source: String, limits: LuaLimits = .none, _ environment: LuaState.Environment = .sandbox) throws -> [LuaValue] {
    try withState(environment, limits: limits) { try $0.execute(source, chunkName: "=test") }
}

/// Runs a chunk expected to fail and returns the error.
func failure(_ source: String, limits: LuaLimits = .none, output: Output? = nil) throws -> LuaError {
    try withState(limits: limits, output: output) { state in
        guard let error = caught({ try state.execute(source, chunkName: "=test") }) else { throw NoError() }
        return error
    }
}

struct NoError: Error {}

extension LuaValue {
    var text: String? { String.fromLuaValue(self) }
}

/// The LuaError `body` throws, or nil.
func caught(_ body: () throws -> Void) -> LuaError? {
    do { try body() } catch let error as LuaError { return error } catch { return nil }
    return nil
}
