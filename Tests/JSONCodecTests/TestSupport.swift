import JSONCodec
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shared helpers: parse-or-error shorthands and a sink that records every event.

/// The error thrown when parsing `bytes`, or nil if it parses.
func parseError(_ bytes: [UInt8], maxDepth: Int = 1000) -> JSONError? {
    do {
        _ = try JSONValue(parsing: bytes, maxDepth: maxDepth)
        return nil
    } catch let error as JSONError {
        return error
    } catch {
        Issue.recordUnexpected(error)
        return nil
    }
}

func parseError(_ text: String, maxDepth: Int = 1000) -> JSONError? {
    parseError(Array(text.utf8), maxDepth: maxDepth)
}

extension Issue {
    static func recordUnexpected(_ error: any Error) {
        Issue.record("unexpected error type: \(error)")
    }
}

/// Records parse events as readable strings, e.g. `key(a)`, `int(1)`, `end[](2)`.
struct RecordingSink: JSONSink {
    var events: [String] = []
    /// Base addresses of every string/key buffer received (to check zero-copy slices).
    var bufferStarts: [UnsafeRawPointer?] = []

    mutating func beginArray() throws { events.append("[") }
    mutating func endArray(count: Int) throws { events.append("](\(count))") }
    mutating func beginObject() throws { events.append("{") }
    mutating func endObject(count: Int) throws { events.append("}(\(count))") }
    mutating func key(_ utf8: UnsafeRawBufferPointer) throws {
        bufferStarts.append(utf8.baseAddress)
        events.append("key(\(String(decoding: utf8, as: UTF8.self)))")
    }
    mutating func string(_ utf8: UnsafeRawBufferPointer) throws {
        bufferStarts.append(utf8.baseAddress)
        events.append("str(\(String(decoding: utf8, as: UTF8.self)))")
    }
    mutating func integer(_ value: Int64) throws { events.append("int(\(value))") }
    mutating func double(_ value: Double) throws { events.append("dbl(\(value))") }
    mutating func bool(_ value: Bool) throws { events.append("bool(\(value))") }
    mutating func null() throws { events.append("null") }
}

/// Counts events and tracks the deepest nesting seen, without building anything.
struct DepthSink: JSONSink {
    var depth = 0
    var maxSeen = 0
    var scalars = 0
    mutating func beginArray() throws { depth += 1; maxSeen = max(maxSeen, depth) }
    mutating func endArray(count: Int) throws { depth -= 1 }
    mutating func beginObject() throws { depth += 1; maxSeen = max(maxSeen, depth) }
    mutating func endObject(count: Int) throws { depth -= 1 }
    mutating func key(_ utf8: UnsafeRawBufferPointer) throws {}
    mutating func string(_ utf8: UnsafeRawBufferPointer) throws { scalars += 1 }
    mutating func integer(_ value: Int64) throws { scalars += 1 }
    mutating func double(_ value: Double) throws { scalars += 1 }
    mutating func bool(_ value: Bool) throws { scalars += 1 }
    mutating func null() throws { scalars += 1 }
}

/// The bytes a string value parses to (its single `string` event).
func parsedStringBytes(_ json: [UInt8]) throws -> [UInt8] {
    struct Capture: JSONSink {
        var bytes: [UInt8] = []
        mutating func beginArray() throws {}
        mutating func endArray(count: Int) throws {}
        mutating func beginObject() throws {}
        mutating func endObject(count: Int) throws {}
        mutating func key(_ utf8: UnsafeRawBufferPointer) throws {}
        mutating func string(_ utf8: UnsafeRawBufferPointer) throws { bytes = Array(utf8) }
        mutating func integer(_ value: Int64) throws {}
        mutating func double(_ value: Double) throws {}
        mutating func bool(_ value: Bool) throws {}
        mutating func null() throws {}
    }
    var capture = Capture()
    try JSONParser.parse(json, into: &capture)
    return capture.bytes
}

/// Deterministic 64-bit generator (SplitMix64) so "random" tests are reproducible.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Runs `body` on a fresh thread with a 512 KiB stack and waits for it, to prove deep
/// documents do not need a big machine stack.
func onSmallStack(_ body: @escaping @Sendable () -> Void) {
    final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setstacksize(&attributes, 512 * 1024)
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    #if canImport(Glibc)
    var thread = pthread_t()
    #else
    var thread: pthread_t?
    #endif
    let created = pthread_create(&thread, &attributes, { context in
        Unmanaged<Box>.fromOpaque(context!).takeRetainedValue().body()
        return nil
    }, context)
    precondition(created == 0, "pthread_create failed")
    #if canImport(Glibc)
    pthread_join(thread, nil)
    #else
    pthread_join(thread!, nil)
    #endif
}

/// A value set once on another thread and read after it joined.
final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
