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
        var text = "BT /F1 12 Tf 50 780 Td 16 TL"
        for line in lines { text += " (\(escape(line))) Tj T*" }
        text += " ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            "<< /Length \(text.utf8.count) >>\nstream\n\(text)\nendstream",
        ]
        var out = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (i, object) in objects.enumerated() {
            offsets.append(out.utf8.count)
            out += "\(i + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = out.utf8.count
        out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { out += String(format: "%010d 00000 n \n", offset) }
        out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(out.utf8)
    }

    /// PDF string literals need `\`, `(` and `)` escaped.
    private static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(").replacingOccurrences(of: ")", with: "\\)")
    }
}
