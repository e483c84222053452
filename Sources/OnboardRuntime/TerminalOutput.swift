import LuaKit

#if canImport(Glibc)
import Glibc
#endif

/// Script output on its way to a terminal: control characters other than newline and tab, ESC
/// sequences, C1 controls and Unicode bidi overrides are shown escaped (`\x1b`, `\u{202e}`), so a
/// script cannot move the cursor, rewrite earlier lines, retitle the window or reorder what a
/// reader sees. Output to a file or a pipe passes unchanged.
public enum TerminalOutput {
    static let isTerminal = isatty(1) != 0

    public static func write(_ bytes: UnsafeRawBufferPointer) {
        guard isTerminal else { return LuaState.standardOutput(bytes) }
        let escaped = escape(Array(bytes))
        escaped.withUnsafeBytes { LuaState.standardOutput($0) }
    }

    /// The bytes with every unsafe control made visible; valid UTF-8 otherwise untouched.
    /// `keepingColours` lets SGR sequences (`ESC [ digits ; digits m`: colours only) through, for
    /// text the host coloured itself (the REPL's printer quotes the script's own escapes).
    public static func escape(_ bytes: [UInt8], keepingColours: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        let digits = Array("0123456789abcdef".utf8)
        func hex(_ b: UInt8) -> [UInt8] { [0x5C, 0x78, digits[Int(b >> 4)], digits[Int(b & 0xF)]] }  // \xHH
        while i < bytes.count {
            let b = bytes[i]
            if keepingColours, b == 0x1B, i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "[") {
                var j = i + 2
                while j < bytes.count, bytes[j] == UInt8(ascii: ";") || (0x30...0x39).contains(bytes[j]) { j += 1 }
                if j < bytes.count, bytes[j] == UInt8(ascii: "m"), j - i <= 16 {
                    out += bytes[i...j]
                    i = j + 1
                    continue
                }
            }
            if b < 0x20 && b != 0x0A && b != 0x09 || b == 0x7F {
                out += hex(b)
                i += 1
                continue
            }
            // C1 controls (U+0080–U+009F) are C2 80–C2 9F in UTF-8
            if b == 0xC2, i + 1 < bytes.count, (0x80...0x9F).contains(bytes[i + 1]) {
                out += Array("\\u{\(String(bytes[i + 1], radix: 16))}".utf8)
                i += 2
                continue
            }
            // bidi controls: U+200E/F, U+202A–U+202E (E2 80 8E/8F, E2 80 AA–AE), U+2066–U+2069 (E2 81 A6–A9)
            if b == 0xE2, i + 2 < bytes.count {
                let (b1, b2) = (bytes[i + 1], bytes[i + 2])
                let scalar: UInt32? = switch (b1, b2) {
                case (0x80, 0x8E), (0x80, 0x8F), (0x80, 0xAA...0xAE): 0x2000 + UInt32(b2 - 0x80)
                case (0x81, 0xA6...0xA9): 0x2040 + UInt32(b2 - 0x80)
                default: nil
                }
                if let scalar {
                    out += Array("\\u{\(String(scalar, radix: 16))}".utf8)
                    i += 3
                    continue
                }
            }
            out.append(b)
            i += 1
        }
        return out
    }
}
