import Foundation
import JSONCodec

#if canImport(Glibc)
import Glibc
#endif

/// The frames parent and worker exchange over a pipe: a JSON header (what the message is) and
/// a blob of raw bytes (a body, a file, output), each preceded by its length.
///
///     u32 header length, u32 blob length (big-endian), header, blob
enum WorkerWire {
    static let maxHeader = 16 << 20
    static let maxBlob = 512 << 20

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func write(_ fd: Int32, _ header: JSONValue, _ blob: [UInt8] = []) throws(Failure) {
        let head: [UInt8]
        do { head = try header.encoded() } catch { throw Failure(description: "cannot encode a message: \(error)") }
        var frame = [UInt8]()
        frame.reserveCapacity(8 + head.count + blob.count)
        for value in [UInt32(head.count), UInt32(blob.count)] {
            frame += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
        }
        frame += head
        frame += blob
        var written = 0
        while written < frame.count {
            let n = frame.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Failure(description: "the pipe closed") }
            written += n
        }
    }

    /// The next frame, or nil at the end of the stream.
    static func read(_ fd: Int32) throws(Failure) -> (JSONValue, [UInt8])? {
        guard let lengths = try readExactly(fd, 8, eofOK: true) else { return nil }
        let headLength = Int(lengths[0]) << 24 | Int(lengths[1]) << 16 | Int(lengths[2]) << 8 | Int(lengths[3])
        let blobLength = Int(lengths[4]) << 24 | Int(lengths[5]) << 16 | Int(lengths[6]) << 8 | Int(lengths[7])
        guard headLength <= maxHeader, blobLength <= maxBlob else { throw Failure(description: "a message is too large") }
        let head = try readExactly(fd, headLength, eofOK: false)!
        let blob = try readExactly(fd, blobLength, eofOK: false)!
        do { return (try JSONValue(parsing: head, maxDepth: 64), blob) } catch {
            throw Failure(description: "a message is not valid JSON")
        }
    }

    private static func readExactly(_ fd: Int32, _ count: Int, eofOK: Bool) throws(Failure) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, count - filled) }
            if n < 0 && errno == EINTR { continue }
            if n == 0 {
                if filled == 0 && eofOK { return nil }
                throw Failure(description: "the pipe closed in the middle of a message")
            }
            guard n > 0 else { throw Failure(description: "cannot read the pipe") }
            filled += n
        }
        return buffer
    }
}
