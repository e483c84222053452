import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Servers on 127.0.0.1 that misbehave the ways networks do, for the transport's error tests.
/// Nothing here sends a byte anywhere but loopback.
final class LoopbackSocket: @unchecked Sendable {
    let fd: Int32
    let port: Int
    private let lock = NSLock()
    private var held: [Int32] = []
    private var received = 0

    struct SetupError: Error { var step: String }

    /// A socket bound to a free loopback port, listening with `backlog` when given.
    init(listening backlog: Int32?) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SetupError(step: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, backlog.map({ listen(fd, $0) == 0 }) ?? true else {
            close(fd)
            throw SetupError(step: "bind and listen")
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// A port nothing listens on: connecting is refused at once.
    static func refusing() throws -> LoopbackSocket {
        // bound but not listening: a connection is refused, and the port stays this test's
        // (a port closed again could be handed to another test's server running meanwhile)
        try LoopbackSocket(listening: nil)
    }

    /// Accepts every connection, reads what comes and never answers: a server stuck on a
    /// request, or a slow Yousign.
    static func silent() throws -> LoopbackSocket {
        let server = try LoopbackSocket(listening: 16)
        let thread = Thread { server.acceptAndHold() }
        thread.stackSize = 256 << 10
        thread.start()
        return server
    }

    /// Listens but never accepts, its queue filled by two idle connections, so that a new
    /// connection's SYN is dropped and connecting hangs: a firewall that drops packets.
    static func neverAccepting() throws -> LoopbackSocket {
        let server = try LoopbackSocket(listening: 0)
        for _ in 0..<2 {
            let filler = try LoopbackSocket(listening: nil)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(server.port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var flags = fcntl(filler.fd, F_GETFL)
            flags |= O_NONBLOCK
            _ = fcntl(filler.fd, F_SETFL, flags)
            _ = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler.fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            server.lock.withLock { server.held.append(filler.fd) }
        }
        usleep(100_000)  // the fillers' handshakes complete
        return server
    }

    /// Bytes of requests received so far.
    var bytesReceived: Int { lock.withLock { received } }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        for held in lock.withLock({ held }) { close(held) }
    }

    private func acceptAndHold() {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return  // stop() closed the listener
            }
            lock.withLock { held.append(client) }
            let reader = Thread { [self] in
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                    if n <= 0 { return }
                    lock.withLock { received += n }
                }
            }
            reader.stackSize = 256 << 10
            reader.start()
        }
    }
}
