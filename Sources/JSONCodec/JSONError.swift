/// An error from decoding or encoding JSON.
///
/// ```swift
/// do { _ = try JSONValue(parsing: "[1,]") }
/// catch let error as JSONError {
///     print(error)          // invalid JSON at byte 3: expected value, found ']'
///     print(error.offset!)  // 3
/// }
/// ```
///
/// Decode errors carry the 0-based byte offset into the input so a host can point at
/// the exact spot (a Lua script gets the same text). Encode errors have no input to
/// point into, so `offset` is `nil` and the description is just the message; when an
/// encode error concerns a position inside a string, the message names it.
public struct JSONError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, without the position prefix, e.g. `expected ':' after object key`.
    public var message: String
    /// 0-based byte offset into the parsed input; `nil` for encode errors.
    public var offset: Int?

    public init(message: String, offset: Int?) {
        self.message = message
        self.offset = offset
    }

    /// `invalid JSON at byte 17: expected ',' or '}' after object member` for decode
    /// errors, the bare message for encode errors.
    public var description: String {
        if let offset { return "invalid JSON at byte \(offset): \(message)" }
        return message
    }
}

extension JSONError {
    /// Decode error at `offset`. Kept out of line so throwing sites stay small in the hot loops.
    @inline(never)
    static func decode(_ message: String, at offset: Int) -> JSONError {
        JSONError(message: message, offset: offset)
    }

    /// Encode error (no input offset).
    @inline(never)
    static func encode(_ message: String) -> JSONError {
        JSONError(message: message, offset: nil)
    }

    /// Human-readable name of the byte found where something else was expected:
    /// `'x'` for printable ASCII, `end of input`, otherwise `byte 0xNN`.
    static func describeByte(_ byte: UInt8?) -> String {
        guard let byte else { return "end of input" }
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x" + (hex.count < 2 ? "0" + hex : hex)
    }
}
