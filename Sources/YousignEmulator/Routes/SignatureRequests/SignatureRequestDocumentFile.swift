import Crypto
import Foundation
import JSONCodec

/// What the emulator learns from an uploaded document's bytes (§2.9, §6.3): its type (from
/// its leading bytes, not the part's declared type, which clients often leave as
/// `application/octet-stream`), page count, protection and signatures.
enum SignatureRequestDocumentFile {
    static let maxBytes = 50 * 1024 * 1024
    static let pdf = "application/pdf"
    static let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    static let imageTypes: Set<String> = ["image/png", "image/jpeg"]
    /// Document names: no slash or backslash, no surrounding whitespace (§6.3).
    static let namePattern = #"^(?!\s)[^\/\\]+(?<!\s)$"#

    /// PDF, DOCX, PNG or JPEG; nil for anything else.
    static func contentType(_ file: MultipartForm.File) -> String? {
        let b = file.bytes
        if b.starts(with: Array("%PDF-".utf8)) { return pdf }
        if b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if b.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if b.starts(with: [0x50, 0x4B, 0x03, 0x04]),
           file.filename.lowercased().hasSuffix(".docx") || file.contentType.lowercased().hasPrefix(docx) {
            return docx
        }
        return nil
    }

    /// The problem with an upload (type, size, image as a signable document), if any.
    static func problem(_ file: MultipartForm.File, nature: String?) -> (field: String, reason: String)? {
        guard let type = contentType(file) else { return ("file", "The file must be a PDF, DOCX, PNG or JPEG document.") }
        if file.bytes.count > maxBytes { return ("file", "The file must not be larger than 50 MB.") }
        if file.bytes.isEmpty { return ("file", "The file is empty.") }
        if imageTypes.contains(type) && nature == "signable_document" {
            return ("nature", "Images (PNG, JPEG) can only be added as attachments.")
        }
        return nil
    }

    /// The document fields that follow from the bytes [I: `content_type` is the uploaded
    /// file's type, as the emulator does not convert to PDF; `total_pages` counts
    /// `/Type /Page` objects, falling back to the page tree's `/Count`, and is null for other
    /// types; a PDF is protected when it has an `/Encrypt` dictionary and signed when it has a
    /// `/ByteRange`; anchors are `{{…}}` tags in uncompressed text].
    static func describe(_ file: MultipartForm.File) -> JSONObject {
        let type = contentType(file) ?? pdf
        let hex = SHA256.hash(data: file.bytes).map { String(format: "%02x", $0) }.joined()
        var out: JSONObject = ["content_type": .string(type), "sha256": .string(hex), "total_pages": .null,
                               "is_protected": false, "is_signed": false]
        guard type == pdf else { return out }
        // byte scans, linear in the size: a crafted upload cannot make the emulator (or the
        // parent of a flow) spend minutes in a backtracking regex
        out["total_pages"] = pageCount(file.bytes).map { .integer(Int64($0)) } ?? .null
        out["is_protected"] = .bool(PDFPages.contains(file.bytes, "/Encrypt"))
        out["is_signed"] = .bool(PDFPages.contains(file.bytes, "/ByteRange"))
        return out
    }

    static func pageCount(_ bytes: [UInt8]) -> Int? {
        let pages = PDFPages.count(bytes)
        return pages > 0 ? pages : PDFPages.treeCount(bytes)
    }

    static func anchorCount(_ file: MultipartForm.File) -> Int { PDFPages.anchors(file.bytes) }

    /// The stored `initials` [I]: the output enum has only left/center/right, so the
    /// horizontal part of the alignment is kept, repeated on every page at `y`.
    static func initials(alignment: String, y: Int64, pages: Int64?) -> JSONValue {
        let horizontal = alignment.split(separator: "-").last.map(String.init) ?? alignment
        let perPage: [JSONValue] = (pages ?? 0) > 0 ? (1...pages!).map { .object(["page": .integer($0), "y": .integer(y)]) } : []
        return .object(["alignment": .string(horizontal), "y": .integer(y), "per_page": .array(perPage)])
    }
}
