import Foundation
import JSONCodec

/// A one-page PDF standing in for a verification's audit trail: which verification, its result
/// and when. A real, parseable PDF (cross-reference offsets included), so viewers open it.
enum VerificationAuditTrail {
    static func pdf(type: VerificationType, body: JSONObject) -> [UInt8] {
        let lines = [
            "Yousign emulator - verification audit trail",
            "Type: \(type.path)",
            "Verification: \(body["id"]?.stringValue ?? "")",
            "Status: \(body["status"]?.stringValue ?? "")",
            "Created at: \(body["created_at"]?.stringValue ?? "")",
            "Updated at: \(body["updated_at"]?.stringValue ?? "")",
        ]
        return AuditTrailPDF.make([lines])
    }
}
