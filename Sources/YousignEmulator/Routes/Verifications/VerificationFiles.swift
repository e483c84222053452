import Foundation

/// File limits of uploads (API.md §2.9). A file that breaks one is refused with a 400
/// `validation.error` on its field [I]: the sandbox docs describe such files only as
/// inconclusive codes (`IDDV_1105`, `1106`, `1107`), and refusing them at once is what a client
/// can act on.
struct UploadRules: Sendable {
    enum Format: String, Sendable { case pdf = "PDF", png = "PNG", jpeg = "JPEG" }

    var formats: [Format]
    var maxBytes: Int
    var maxMegapixels: Int?
    var maxPDFPages: Int?

    static let megabyte = 1024 * 1024
    /// Identity documents, proofs of address, bank accounts: PNG, JPEG, JPG, PDF; 10 MB, 20 Mpx.
    static let identityImage = UploadRules(formats: [.png, .jpeg, .pdf], maxBytes: 10 * megabyte, maxMegapixels: 20)
    /// Company Kbis and bank account lookup files: PDF, 10 MB.
    static let pdfOnly = UploadRules(formats: [.pdf], maxBytes: 10 * megabyte)
    /// Document analyses: 25 MB and 10 PDF pages; invoices 10 MB / 3 pages; fraud-only 10 MB / 2 pages.
    static let analysis = UploadRules(formats: [.pdf, .png, .jpeg], maxBytes: 25 * megabyte, maxPDFPages: 10)
    static let invoice = UploadRules(formats: [.pdf, .png, .jpeg], maxBytes: 10 * megabyte, maxPDFPages: 3)
    static let fraudOnly = UploadRules(formats: [.pdf, .png, .jpeg], maxBytes: 10 * megabyte, maxPDFPages: 2)

    /// The problem with `file`, or nil when it is acceptable.
    func problem(_ file: MultipartForm.File) -> String? {
        guard let format = Self.format(of: file), formats.contains(format) else {
            return "The file format must be one of: \(formatList)."
        }
        if file.bytes.isEmpty { return "The file is empty." }
        if file.bytes.count > maxBytes { return "The file is larger than \(maxBytes / Self.megabyte) MB." }
        if let maxMegapixels, let pixels = ImageSize.pixels(file.bytes, format), pixels > maxMegapixels * 1_000_000 {
            return "The image is larger than \(maxMegapixels) megapixels."
        }
        if let maxPDFPages, format == .pdf, PDFPages.count(file.bytes) > maxPDFPages {
            return "The PDF has more than \(maxPDFPages) pages."
        }
        return nil
    }

    private var formatList: String {
        formats.flatMap { $0 == .jpeg ? ["JPEG", "JPG"] : [$0.rawValue] }.joined(separator: ", ")
    }

    /// The format by file extension, else by declared content type.
    static func format(of file: MultipartForm.File) -> Format? {
        let ext = (file.filename as NSString).pathExtension.lowercased()
        switch ext {
        case "pdf": return .pdf
        case "png": return .png
        case "jpg", "jpeg": return .jpeg
        default: break
        }
        switch file.contentType.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased() {
        case "application/pdf": return .pdf
        case "image/png": return .png
        case "image/jpeg", "image/jpg": return .jpeg
        default: return nil
        }
    }
}

extension BodyReader {
    /// Checks an uploaded file against `rules`, recording a problem under `field` (missing,
    /// wrong format, too large); returns the file when it is acceptable.
    mutating func file(_ form: MultipartForm, _ field: String, required: Bool = false, rules: UploadRules) -> MultipartForm.File? {
        guard let file = form.files[field] else {
            if required { problem(field, has(field) ? "This field must be a file." : "This field is missing.") }
            return nil
        }
        if let reason = rules.problem(file) { problem(field, reason); return nil }
        return file
    }

    /// Files sent under names the variant does not know.
    mutating func rejectUnknownFiles(_ form: MultipartForm, _ allowed: Set<String>) {
        for name in form.files.keys.sorted() where !allowed.contains(name) { problem(name, "This field was not expected.") }
    }
}

/// Image dimensions read from the PNG or JPEG header, for the megapixel limit.
enum ImageSize {
    static func pixels(_ bytes: [UInt8], _ format: UploadRules.Format) -> Int? {
        switch format {
        case .png: return png(bytes)
        case .jpeg: return jpeg(bytes)
        case .pdf: return nil
        }
    }

    /// Width and height are the first fields of the IHDR chunk, right after the signature.
    static func png(_ b: [UInt8]) -> Int? {
        guard b.count >= 24, b[0] == 0x89, b[1] == 0x50, b[2] == 0x4E, b[3] == 0x47 else { return nil }
        return be32(b, 16) * be32(b, 20)
    }

    /// Walks the JPEG segments to the first start-of-frame marker, which holds height and width.
    static func jpeg(_ b: [UInt8]) -> Int? {
        guard b.count >= 4, b[0] == 0xFF, b[1] == 0xD8 else { return nil }
        var i = 2
        while i + 9 < b.count {
            guard b[i] == 0xFF else { return nil }
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }
            let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            let isFrame = (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker)
            if isFrame { return (Int(b[i + 5]) << 8 | Int(b[i + 6])) * (Int(b[i + 7]) << 8 | Int(b[i + 8])) }
            i += 2 + length
        }
        return nil
    }

    private static func be32(_ b: [UInt8], _ at: Int) -> Int {
        Int(b[at]) << 24 | Int(b[at + 1]) << 16 | Int(b[at + 2]) << 8 | Int(b[at + 3])
    }
}

/// Counts `/Type /Page` objects (not `/Pages`): enough for the page limits without a PDF parser.
enum PDFPages {
    static func count(_ b: [UInt8]) -> Int {
        let type = Array("/Type".utf8), page = Array("/Page".utf8)
        var n = 0
        var i = 0
        while i + type.count < b.count {
            if b[i] == 0x2F, b[i..<i + type.count].elementsEqual(type) {
                var j = i + type.count
                while j < b.count, b[j] == 0x20 || b[j] == 0x0A || b[j] == 0x0D || b[j] == 0x09 { j += 1 }
                if j + page.count <= b.count, b[j..<j + page.count].elementsEqual(page) {
                    let next = j + page.count < b.count ? b[j + page.count] : 0
                    // `/Pages` (the page tree) and longer names are not pages
                    if !(65...90).contains(next) && !(97...122).contains(next) { n += 1 }
                }
                i = j
            } else {
                i += 1
            }
        }
        return n
    }

    /// The largest `/Count n` of a page tree (`/Type /Pages ... /Count n` within its dictionary),
    /// for PDFs whose page objects are compressed. Linear: each tree looks at most 4 KB ahead.
    static func treeCount(_ b: [UInt8]) -> Int? {
        let pages = Array("/Pages".utf8), count = Array("/Count".utf8)
        var best: Int?
        var i = 0
        while let at = find(pages, in: b, from: i) {
            i = at + pages.count
            var j = i
            let end = min(b.count, i + 4096)
            while j < end, b[j] != 0x3E {  // '>' ends the dictionary
                if b[j] == 0x2F, j + count.count <= b.count, b[j..<j + count.count].elementsEqual(count) {
                    var k = j + count.count
                    while k < b.count, b[k] == 0x20 || b[k] == 0x0A || b[k] == 0x0D || b[k] == 0x09 { k += 1 }
                    var value = 0, digits = 0
                    while k < b.count, (0x30...0x39).contains(b[k]), digits < 9 {
                        value = value * 10 + Int(b[k] - 0x30)
                        digits += 1
                        k += 1
                    }
                    if digits > 0 { best = max(best ?? 0, value) }
                    break
                }
                j += 1
            }
        }
        return best.flatMap { $0 > 0 ? $0 : nil }
    }

    /// Whether `needle` occurs in `b`.
    static func contains(_ b: [UInt8], _ needle: String) -> Bool { find(Array(needle.utf8), in: b, from: 0) != nil }

    /// `{{...}}` anchors: 1 to 200 bytes without braces or a newline between the pairs.
    static func anchors(_ b: [UInt8]) -> Int {
        var n = 0, i = 0
        while i + 1 < b.count {
            guard b[i] == 0x7B, b[i + 1] == 0x7B else { i += 1; continue }
            var j = i + 2
            while j < b.count, j - (i + 2) <= 200, b[j] != 0x7B, b[j] != 0x7D, b[j] != 0x0A { j += 1 }
            let length = j - (i + 2)
            if length >= 1, length <= 200, j + 1 < b.count, b[j] == 0x7D, b[j + 1] == 0x7D {
                n += 1
                i = j + 2
            } else {
                i += 1
            }
        }
        return n
    }

    /// The first index of `needle` in `b` at or after `from`.
    static func find(_ needle: [UInt8], in b: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, needle.count <= b.count else { return nil }
        var i = from
        while i + needle.count <= b.count {
            if b[i] == first, b[i..<i + needle.count].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
