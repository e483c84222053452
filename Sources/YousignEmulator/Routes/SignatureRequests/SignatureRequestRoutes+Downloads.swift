import Foundation
import JSONCodec
import YousignWire

/// Document downloads (§6.3) and audit trails (§6.3, §6.2): the stored bytes, zipped when
/// there are several, and audit trails the emulator writes itself once signers have signed.
///
/// [I] gap: Yousign converts every upload to PDF and stamps the signatures into the
/// `completed` version; the emulator returns the uploaded bytes for both versions.
extension SignatureRequestRoutes {
    static func registerDownloads(_ r: inout Router) {
        r.get("\(base)/documents/{documentId}/download") { c in
            let (id, _) = try SignatureRequestStore.load(c)
            let (_, doc) = try SignatureRequestStore.child(c, .document, param: "documentId", what: "document", parent: id)
            return Responses.binary(try bytes(c, doc), contentType: contentType(doc), filename: doc["filename"]?.stringValue ?? "document.pdf")
        }
        r.get("\(base)/documents/download", downloadDocuments)
    }

    /// `?version=current|completed&archive=bool`: one document as itself, several (or
    /// `archive=true`) as a zip; `completed` only once the request is done.
    static func downloadDocuments(_ c: inout RequestContext) throws -> WireResponse {
        let (id, sr) = try SignatureRequestStore.load(c)
        var problems: [APIError.InvalidParam] = []
        let version = c.request.queryValue("version") ?? "current"
        if !["current", "completed"].contains(version) { problems.append(.init(name: "version", reason: #"Value must be in ["current", "completed"]."#)) }
        let archive = boolQuery(c, "archive", &problems)
        if !problems.isEmpty { throw APIError.validation(problems) }
        if version == "completed" && SignatureRequestStore.status(sr) != .done {
            throw APIError.badRequest("document.unable_to_download_signature_request_not_in_done",
                                      "The completed documents can only be downloaded once the signature request is done; it is \(SignatureRequestStore.status(sr)).")
        }
        let docs = try SignatureRequestStore.documents(c.db, id)
        guard let first = docs.first else { throw APIError.notFound("document") }
        if docs.count == 1 && !archive {
            return Responses.binary(try bytes(c, first), contentType: contentType(first), filename: first["filename"]?.stringValue ?? "document.pdf")
        }
        let names = ZipArchive.uniqueNames(docs.map { $0["filename"]?.stringValue ?? "\($0.recordID).pdf" })
        let entries = try zip(names, docs).map { (name: $0, bytes: try bytes(c, $1)) }
        return Responses.binary(ZipArchive.make(entries, date: c.now), contentType: "application/zip", filename: "\(id).zip")
    }

    static func bytes(_ c: RequestContext, _ doc: JSONObject) throws -> [UInt8] {
        guard let bytes = try doc["_file_id"]?.stringValue.flatMap(c.db.file) else { throw APIError.notFound("document file") }
        return bytes
    }

    static func contentType(_ doc: JSONObject) -> String { doc["content_type"]?.stringValue ?? SignatureRequestDocumentFile.pdf }

    static func boolQuery(_ c: RequestContext, _ name: String, _ problems: inout [APIError.InvalidParam]) -> Bool {
        switch c.request.queryValue(name) {
        case nil, "false", "0": return false
        case "true", "1": return true
        default:
            problems.append(.init(name: name, reason: "This value should be of type boolean."))
            return false
        }
    }
}
