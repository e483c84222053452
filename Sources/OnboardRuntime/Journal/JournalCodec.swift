import Crypto
import Foundation
import JSONCodec
import OnboardRuns
import YousignAPI
import YousignWire

/// How effects and their results become journal entries, and back.
enum JournalCodec {
    static func sha256(_ bytes: some Sequence<UInt8>) -> String {
        hex(SHA256.hash(data: Array(bytes)))
    }

    /// Lower-case hex (`String(format:)` costs about a microsecond a byte on Linux, and every
    /// journaled call has a digest).
    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `POST /signature_requests`, `GET /signature_requests?status[eq]=done`.
    static func key(_ call: APICall) -> String {
        guard !call.query.isEmpty else { return "\(call.method) \(call.path)" }
        return "\(call.method) \(call.path)?" + call.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// What a call asks, as a digest (the body's bytes, every file's content) and as a detail
    /// people can read (the JSON body or the multipart fields, files by name and hash).
    static func describe(_ call: APICall, files: [FileRead]) -> (digest: String, detail: String) {
        var hasher = SHA256()
        func feed(_ s: String) { hasher.update(data: Array((s + "\u{0}").utf8)) }
        feed(key(call))
        var detail: [String: JSONValue] = [:]
        switch call.body {
        case .none: feed("none")
        case .json(let bytes):
            feed("json")
            hasher.update(data: bytes)
            detail["body"] = (try? JSONValue(parsing: bytes)) ?? .string(String(decoding: bytes, as: UTF8.self))
        case .multipart(let fields, let parts):
            feed("multipart")
            for (name, value) in fields { feed(name); feed(value) }
            var described: [JSONValue] = []
            for part in parts {
                let hash = sha256(part.content)
                feed(part.field); feed(part.filename); feed(part.contentType ?? ""); feed(hash)
                var file: [String: JSONValue] = ["field": .string(part.field), "filename": .string(part.filename), "sha256": .string(hash)]
                if let read = files.first(where: { $0.field == part.field }) { file["path"] = .string(read.path) }
                described.append(.object(file))
            }
            detail["fields"] = .object(Dictionary(fields.map { ($0.0, JSONValue.string($0.1)) }, uniquingKeysWith: { a, _ in a }))
            detail["files"] = .array(described)
        }
        let digest = hex(hasher.finalize())
        let text = (try? JSONValue.object(detail).encoded()).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return (digest, text)
    }

    /// The files a journaled call read, from its detail: path and hash.
    static func files(in detail: String?) -> [(path: String, sha256: String)] {
        guard let detail, let doc = try? JSONValue(parsing: Array(detail.utf8)) else { return [] }
        return (doc["files"]?.arrayValue ?? []).compactMap { f in
            guard let path = f["path"]?.stringValue, let hash = f["sha256"]?.stringValue else { return nil }
            return (path, hash)
        }
    }

    /// A result as the worker wire encodes it: the header's JSON text and the blob.
    static func encode(_ result: Result<FlowResult, FlowFailure>) -> (kind: String, bytes: [UInt8]) {
        let (header, blob) = WorkerMessages.encode(result)
        let text = (try? header.encoded()).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return (text, blob)
    }

    static func decode(_ entry: JournalEntry) -> Result<FlowResult, FlowFailure> {
        guard let kind = entry.resultKind, let header = try? JSONValue(parsing: Array(kind.utf8)),
              let decoded = try? WorkerMessages.decodeResult(header, entry.result ?? []) else {
            return .failure(.message("journal step \(entry.step) (\(entry.key)) has a result this onboard cannot read"))
        }
        return decoded
    }

    static func number(_ value: Double) -> (kind: String, bytes: [UInt8]) { ("value", Array("\(value)".utf8)) }

    static func number(of entry: JournalEntry) -> Double? {
        entry.result.flatMap { Double(String(decoding: $0, as: UTF8.self)) }
    }

    /// The `id` of a created resource in a JSON result, to claim it.
    static func createdID(_ result: Result<FlowResult, FlowFailure>) -> String? {
        guard case .success(.json(let bytes)) = result, let doc = try? JSONValue(parsing: bytes) else { return nil }
        return doc["id"]?.stringValue
    }
}

/// A file a call read for its multipart body.
struct FileRead: Sendable, Equatable {
    var field: String
    var path: String
}
