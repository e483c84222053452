import Foundation
import LuaKit
import Testing

@Suite("The Lua thread")
struct LuaThreadTests {
    @Test("runs on a thread with at least 4 MiB of stack (SANDBOX.md §3.4)")
    func stackSize() throws {
        let size = try LuaThread.run { LuaThread.currentStackSize }
        #expect(size >= 4 << 20)
    }

    @Test("returns the body's value and rethrows its error")
    func results() throws {
        #expect(try LuaThread.run { 42 } == 42)
        struct Oops: Error {}
        #expect(throws: Oops.self) { try LuaThread.run { throw Oops() } }
    }
}
