import Foundation

/// A small, valid PDF of text lines (Helvetica, one page per section), for the audit trails
/// the emulator generates: enough for a client to store, hash or open them.
enum AuditTrailPDF {
    static func make(_ pages: [[String]]) -> [UInt8] {
        let pageCount = max(pages.count, 1)
        // objects: 1 catalog, 2 page tree, 3 font, then a page and its content stream per page
        var objects: [String] = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [\((0..<pageCount).map { "\(4 + 2 * $0) 0 R" }.joined(separator: " "))] /Count \(pageCount) >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        for i in 0..<pageCount {
            let lines = i < pages.count ? pages[i] : []
            let text = lines.map { "(\(escape($0))) Tj T*" }.joined(separator: " ")
            let stream = "BT /F1 10 Tf 14 TL 50 800 Td \(text) ET"
            objects.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents \(5 + 2 * i) 0 R >>")
            objects.append("<< /Length \(stream.utf8.count) >>\nstream\n\(stream)\nendstream")
        }
        var out = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (i, object) in objects.enumerated() {
            offsets.append(out.utf8.count)
            out += "\(i + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = out.utf8.count
        out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for o in offsets { out += String(format: "%010d 00000 n \n", o) }
        out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(out.utf8)
    }

    /// PDF string literal escaping; characters outside printable ASCII become `?` (the
    /// standard font's encoding is not UTF-8).
    static func escape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "(", ")", "\\": out += "\\\(scalar)"
            case " "..."~": out.unicodeScalars.append(scalar)
            default: out += "?"
            }
        }
        return out
    }
}
