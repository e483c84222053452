import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A hostile API server on 127.0.0.1 for HostileScriptTests: every answer is JSON that echoes
/// the request's Authorization header (400 with a detail for paths containing "fail", else 200
/// with a one-item list), one connection at a time, with `Connection: close`.
final class EchoServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32

    struct SetupError: Error { var step: String }

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SetupError(step: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 16) == 0 else {
            close(fd)
            throw SetupError(step: "bind and listen")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        listener = fd
        let thread = Thread {
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 {
                    if errno == EINTR { continue }
                    return  // stop() closed the listener
                }
                EchoServer.answer(client)
            }
        }
        thread.start()
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private static func answer(_ client: Int32) {
        defer { close(client) }
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while request.count < 1 << 20 && !hasHeaderEnd(request) {
            let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            request += buffer[0..<n]
        }
        let lines = request.split(separator: 10, omittingEmptySubsequences: false)
            .map { String(decoding: $0.last == 13 ? $0.dropLast() : $0[...], as: UTF8.self) }
        var authorization = ""
        for line in lines.dropFirst() where line.lowercased().hasPrefix("authorization:") {
            authorization = String(line.dropFirst("authorization:".count)).trimmingCharacters(in: .whitespaces)
        }
        let failing = lines.first?.contains("fail") ?? false
        let status = failing ? "400 Bad Request" : "200 OK"
        let body = failing
            ? #"{"type":"evil","detail":"echo \#(authorization)"}"#
            : #"{"data":[{"id":"\#(authorization)","name":"echo \#(authorization)"}],"meta":{"next_cursor":null}}"#
        let response = "HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        var bytes = Array(response.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            bytes = bytes.dropFirst(n)
        }
    }

    private static func hasHeaderEnd(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return true
        }
        return false
    }
}
