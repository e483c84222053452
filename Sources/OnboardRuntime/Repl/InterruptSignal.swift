import CProcess
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C as an action: SIGINT's handler only writes a byte to a pipe (`onb_sigint_pipe`); a
/// thread reads it and runs `action`, which may take locks and call anything. Used by the REPL
/// on both sides: the parent interrupts the engine, the worker cancels its Lua state.
public enum InterruptSignal {
    public static func onInterrupt(_ action: @escaping @Sendable () -> Void) {
        listen(onb_sigint_pipe()) { _ in action() }
    }

    /// SIGINT or SIGTERM, with the signal's number (`onboard run`: both interrupt the run).
    public static func onInterruptOrTerminate(_ action: @escaping @Sendable (Int32) -> Void) {
        listen(onb_sigterm_pipe(), action)
    }

    /// The action of the latest `onInterrupt…`: one reader thread per process, whose action a
    /// later call replaces (`onboard runs resume --all` runs several runs one after the other).
    private static let current = Mutex<(@Sendable (Int32) -> Void)?>(nil)
    private static let listening = Mutex<Set<Int32>>([])

    private static func listen(_ fd: Int32, _ action: @escaping @Sendable (Int32) -> Void) {
        guard fd >= 0 else { return }
        current.withLock { $0 = action }
        let first = listening.withLock { $0.insert(fd).inserted }
        guard first else { return }
        let reader = Thread {
            var byte: UInt8 = 0
            while true {
                let n = read(fd, &byte, 1)
                if n == 1 { current.withLock { $0 }?(Int32(byte)) } else if n == 0 || errno != EINTR { return }
            }
        }
        reader.stackSize = 64 << 10
        reader.start()
    }
}
