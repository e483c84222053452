import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One `onboard worker` per SQLite store: the worker holds an exclusive `flock` on
/// `STORE.worker-lock` for as long as it runs (the kernel lets go when the process dies, even
/// by kill -9, so a crash never leaves a stale lock). The file names the holder, for the
/// message a second worker gets.
public final class WorkerLock: @unchecked Sendable {
    public let path: String
    private let fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }

    /// Takes the lock of the store at `storePath`, or says who holds it.
    public static func acquire(storePath: String) throws(RunStoreError) -> WorkerLock {
        let path = storePath + ".worker-lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RunStoreError(.io, "cannot open \(path) to take the worker's lock: \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 256)
            let n = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            let holder = n > 0 ? String(decoding: buffer.prefix(n), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "another process"
            throw RunStoreError(.conflict, "another onboard worker (\(holder)) is using the run store \(storePath); one worker per SQLite store: stop that one first, or give this one another store with --runs FILE (several workers on one store need PostgreSQL)")
        }
        let text = "pid \(getpid()) on \(RunLease.hostName)\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        return WorkerLock(path: path, fd: fd)
    }
}
