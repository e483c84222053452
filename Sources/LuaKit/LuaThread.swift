import CLuaShims
import Foundation

/// Runs Lua work on a dedicated thread with a large stack.
///
/// ```swift
/// let result = try LuaThread.run { try LuaState().execute("return 1", chunkName: "=x") }
/// ```
///
/// Lua's C recursion (gsub callbacks, `__tostring` chains) used up to 418 KiB of stack when
/// measured (SANDBOX.md §3.4): secondary threads and Swift's cooperative pool are too small,
/// so every state lives on one of these.
///
/// Call it from nonisolated code: a closure formed in a `@MainActor` context keeps that
/// isolation, and Swift 6 traps when it then runs on the Lua thread.
public enum LuaThread {
    public static let defaultStackSize = 8 << 20

    /// The stack size of the calling thread, in bytes (0 when unknown).
    public static var currentStackSize: Int { Int(onb_thread_stack_size()) }

    /// Runs `body` on a new thread with `stackSize` bytes of stack and waits for its result.
    public static func run<T>(stackSize: Int = defaultStackSize, _ body: @escaping () throws -> T) throws -> T {
        // The caller blocks until the thread is done, so handing `body` over is safe.
        let box = ResultBox<T>(body)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.result = Result { try box.body() }
            done.signal()
        }
        thread.stackSize = stackSize
        thread.name = "lua"
        thread.start()
        done.wait()
        return try box.result!.get()
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    let body: () throws -> T
    var result: Result<T, any Error>?
    init(_ body: @escaping () throws -> T) { self.body = body }
}
