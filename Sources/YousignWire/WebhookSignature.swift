import Crypto

/// The signature Yousign puts on a webhook (API.md §7): `X-Yousign-Signature-256:
/// sha256=<hex HMAC-SHA256 of the raw body bytes, keyed with the subscription's secret>`. The
/// emulator signs with it; receivers (a flow's `yousign.webhooks.verify`, `onboard worker`)
/// check with it, in constant time.
public enum WebhookSignature {
    public static let header = "X-Yousign-Signature-256"

    /// `sha256=` and the hex HMAC-SHA256 of `body` under `secret`.
    public static func sign(body: [UInt8], secret: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))
        return "sha256=" + hex(Array(mac))
    }

    /// Whether `signature` (the header's value) is `body`'s under `secret`. The comparison takes
    /// the same time wherever the first difference is; a malformed or missing header is false.
    public static func verify(body: [UInt8], signature: String?, secret: [UInt8]) -> Bool {
        guard let signature, signature.hasPrefix("sha256=") else { return false }
        let given = Array(signature.utf8.dropFirst(7)).map { $0 | 0x20 }  // hex digits, any case
        let expected = Array(sign(body: body, secret: secret).utf8.dropFirst(7))
        guard given.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(given, expected) { difference |= a ^ b }
        return difference == 0
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out += [digits[Int(b >> 4)], digits[Int(b & 0x0F)]] }
        return String(decoding: out, as: UTF8.self)
    }
}
