import Foundation
import Testing
import YousignWire
@testable import OnboardRuntime

/// `yousign.webhooks.verify(raw_body, signature_header, secret)` and the signature under it.
@Suite("Webhook signatures")
struct WebhookVerifyTests {
    @Test("HMAC-SHA256 of the raw body, hex, after sha256=: a known vector, and verify in any hex case")
    func signature() {
        let body = Array("The quick brown fox jumps over the lazy dog".utf8)
        let signed = WebhookSignature.sign(body: body, secret: Array("key".utf8))
        #expect(signed == "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")
        #expect(WebhookSignature.verify(body: body, signature: signed, secret: Array("key".utf8)))
        #expect(WebhookSignature.verify(body: body, signature: signed.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256="), secret: Array("key".utf8)))
        #expect(!WebhookSignature.verify(body: body + [0x20], signature: signed, secret: Array("key".utf8)))
        #expect(!WebhookSignature.verify(body: body, signature: signed, secret: Array("kez".utf8)))
        #expect(!WebhookSignature.verify(body: body, signature: String(signed.dropLast()), secret: Array("key".utf8)))
        #expect(!WebhookSignature.verify(body: body, signature: "sha1=" + signed.dropFirst(7), secret: Array("key".utf8)))
        #expect(!WebhookSignature.verify(body: body, signature: nil, secret: Array("key".utf8)))
    }

    @Test("from Lua: true for the body as signed, false for any change, a wrong secret or no header")
    func fromLua() async throws {
        let secret = "s3cr3t-0123456789abcdef0123456789"
        let body = #"{"event_id":"e1","event_name":"signature_request.done","data":{}}"#
        let header = WebhookSignature.sign(body: Array(body.utf8), secret: Array(secret.utf8))
        let out = try await YousignModuleTests().run("""
            local body, header, secret = \(luaString(body)), "\(header)", "\(secret)"
            print(yousign.webhooks.verify(body, header, secret))
            print(yousign.webhooks.verify(body .. " ", header, secret))
            print(yousign.webhooks.verify(body, header, secret .. "x"))
            print(yousign.webhooks.verify(body, nil, secret))
            print(yousign.webhooks.verify(body, "garbage", secret))
            print(pcall(yousign.webhooks.verify, body, header, ""))
            print(pcall(yousign.webhooks.verify, {}, header, secret))
            print(select(2, pcall(function() return yousign.webhooks:verify(body, header, secret) end)))
            """)
        let lines = out.split(separator: "\n").map(String.init)
        #expect(Array(lines.prefix(5)) == ["true", "false", "false", "false", "false"], "\(out)")
        #expect(lines[5].hasPrefix("false\t") && lines[5].contains("secret"), "\(out)")
        #expect(lines[6].hasPrefix("false\t") && lines[6].contains("string expected"), "\(out)")
        #expect(lines[7].contains("`yousign.webhooks:verify(...)` called with `:`"), "\(out)")
    }

    func luaString(_ s: String) -> String { "[==[" + s + "]==]" }
}
