import Foundation
import JSONCodec
import YousignWire
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `POST …/signers/{signerId}/sign` (§6.2, §6.3): the integrator signs on a signer's behalf
/// from its own signing flow (JSON, or multipart with a `signature_image`), 204.
extension SignatureRequestRoutes {
    static func registerSigning(_ r: inout Router) {
        r.post("\(base)/signers/{signerId}/sign", signViaAPI)
    }

    /// Allowed only for requests delivered by link (`delivery_mode: none`), without approvers,
    /// without `signers_allowed_to_decline`, for simple electronic signatures [I: type
    /// `signer.sign_not_allowed`; an OTP is required, and any 6 digits accepted, when the signer
    /// authenticates by OTP].
    static func signViaAPI(_ c: inout RequestContext) throws -> WireResponse {
        let (id, sr) = try SignatureRequestStore.load(c)
        let (signerID, signer) = try SignatureRequestStore.child(c, .signer, param: "signerId", what: "signer", parent: id)
        var body: BodyReader
        if c.isMultipart {
            let form = try c.form()
            body = BodyReader(form.fields)
            // checked, not kept: the emulator renders no signatures
            if let image = form.files["signature_image"] {
                if !SignatureRequestDocumentFile.imageTypes.contains(SignatureRequestDocumentFile.contentType(image) ?? "") {
                    body.problem("signature_image", "The signature image must be a PNG or JPEG image.")
                }
            } else {
                body.problem("signature_image", "This field is missing.")
            }
        } else {
            body = BodyReader(try c.jsonBody())
        }
        let otp = body.string("otp", max: 6, pattern: "^[0-9]{6}$")
        let ip = body.string("ip_address", required: true, max: 45)
        if let ip, let reason = ipProblem(ip) { body.problem("ip_address", reason) }
        let consent = body.string("consent_given_at", required: true, max: 40)
        if let consent, Timestamp.parse(consent) == nil { body.problem("consent_given_at", "This value is not a valid date-time (like 2024-01-18T22:00:00+00:00).") }
        let otpMode = ["otp_email", "otp_sms"].contains(signer["signature_authentication_mode"]?.stringValue ?? "")
        if otpMode && otp == nil && !body.problems.contains(where: { $0.name == "otp" }) {
            body.problem("otp", "An OTP is required: this signer authenticates with \(signer["signature_authentication_mode"]?.stringValue ?? "an OTP").")
        }
        body.rejectUnknown(["otp", "ip_address", "consent_given_at", "signature_image"])
        try body.check()
        _ = try SignatureRequestLifecycle.ongoing(c, id, "Signing")
        if let reason = signingRestriction(try SignatureRequestStore.approvers(c.db, id).isEmpty, sr, signer) {
            throw APIError.badRequest("signer.sign_not_allowed", reason)
        }
        var signing = signer
        signing["_ip_address"] = .string(ip!)
        signing["_consent_given_at"] = .string(consent!)
        try c.db.saveResource(.signer, signerID, signing)
        try SignatureRequestLifecycle.sign(&c, id, signerID)
        return Responses.empty()
    }

    static func signingRestriction(_ noApprovers: Bool, _ sr: JSONObject, _ signer: JSONObject) -> String? {
        if (signer["delivery_mode"]?.stringValue ?? sr["delivery_mode"]?.stringValue) != "none" {
            return "Signing through the API needs delivery_mode none."
        }
        if !noApprovers { return "Signing through the API is not possible on a signature request with approvers." }
        if sr["signers_allowed_to_decline"]?.boolValue == true {
            return "Signing through the API is not possible when signers_allowed_to_decline is true."
        }
        if signer["signature_level"]?.stringValue != "electronic_signature" {
            return "Signing through the API is only possible for the simple electronic signature level."
        }
        return nil
    }

    /// The spec wants the signer's public IPv4 or IPv6 address [I: private, loopback,
    /// link-local and multicast ranges are refused].
    static func ipProblem(_ s: String) -> String? {
        var v4 = in_addr()
        if inet_pton(AF_INET, s, &v4) == 1 {
            let b = withUnsafeBytes(of: &v4) { Array($0) }
            let privateRange = b[0] == 10 || b[0] == 127 || b[0] == 0 || b[0] >= 224 || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && (16...31).contains(b[1])) || (b[0] == 192 && b[1] == 168) || (b[0] == 100 && (64...127).contains(b[1]))
            return privateRange ? "This value must be a public IP address." : nil
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, s, &v6) == 1 {
            let b = withUnsafeBytes(of: &v6) { Array($0) }
            let unspecifiedOrLoopback = b[0..<15].allSatisfy { $0 == 0 } && b[15] <= 1
            let privateRange = unspecifiedOrLoopback || (b[0] & 0xFE) == 0xFC || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) || b[0] == 0xFF
            return privateRange ? "This value must be a public IP address." : nil
        }
        return "This value is not a valid IP address."
    }
}
