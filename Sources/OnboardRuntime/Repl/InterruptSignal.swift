import CProcess
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C as an action: SIGINT's handler only writes a byte to a pipe (`onb_sigint_pipe`); a
/// thread reads it and runs `action`, which may take locks and call anything. Used by the REPL
/// on both sides: the parent interrupts the engine, the worker cancels its Lua state.
public enum InterruptSignal {
    public static func onInterrupt(_ action: @escaping @Sendable () -> Void) {
        let fd = onb_sigint_pipe()
        guard fd >= 0 else { return }
        let reader = Thread {
            var byte: UInt8 = 0
            while true {
                let n = read(fd, &byte, 1)
                if n == 1 { action() } else if n == 0 || errno != EINTR { return }
            }
        }
        reader.stackSize = 64 << 10
        reader.start()
    }
}
