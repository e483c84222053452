import Foundation
import JSONCodec
import MultipartKit
import NIOCore
import YousignWire

/// A parsed `multipart/form-data` body. Text fields become a JSON object with bracket keys
/// nested (`natural_person[first_name]` → `{"natural_person": {"first_name": …}}`,
/// `excluded_signers[]` → an array), so the same validators read JSON and multipart bodies.
struct MultipartForm {
    struct File {
        var filename: String
        var contentType: String
        var bytes: [UInt8]
    }

    var fields: JSONObject = [:]
    var files: [String: File] = [:]

    static func parse(_ request: WireRequest) throws -> MultipartForm {
        guard let boundary = request.headers.contentTypeParameter("boundary"), !boundary.isEmpty else {
            throw APIError.badRequest("parameters_not_valid", "The multipart body has no boundary.")
        }
        let parser = MultipartParser(boundary: boundary)
        var parts: [(headers: [String: String], body: [UInt8])] = []
        var headers: [String: String] = [:]
        var body: [UInt8] = []
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { buffer in body += buffer.readBytes(length: buffer.readableBytes) ?? [] }
        parser.onPartComplete = {
            parts.append((headers, body))
            headers = [:]
            body = []
        }
        do { try parser.execute(request.body) } catch {
            throw APIError.badRequest("parameters_not_valid", "The multipart body could not be parsed.")
        }
        var form = MultipartForm()
        for part in parts {
            guard let disposition = part.headers["content-disposition"], let name = Self.parameter("name", in: disposition) else { continue }
            if let filename = Self.parameter("filename", in: disposition) {
                form.files[name] = File(filename: filename, contentType: part.headers["content-type"] ?? "application/octet-stream", bytes: part.body)
            } else {
                form.set(name, String(decoding: part.body, as: UTF8.self))
            }
        }
        return form
    }

    private static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";") {
            let kv = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == name {
                var v = kv[1]
                if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
                return v
            }
        }
        return nil
    }

    /// Sets a possibly bracketed key: `a[b][c]`, `a[]`.
    mutating func set(_ key: String, _ value: String) {
        var path: [String] = []
        if let open = key.firstIndex(of: "[") {
            path.append(String(key[..<open]))
            var rest = key[open...]
            while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                path.append(String(rest[rest.index(after: rest.startIndex)..<close]))
                rest = rest[rest.index(after: close)...]
            }
        } else {
            path = [key]
        }
        fields = Self.inserting(.string(value), at: path[...], into: .object(fields)).objectValue ?? fields
    }

    private static func inserting(_ value: JSONValue, at path: ArraySlice<String>, into container: JSONValue?) -> JSONValue {
        guard let head = path.first else { return value }
        if head.isEmpty {
            var array = container?.arrayValue ?? []
            array.append(inserting(value, at: path.dropFirst(), into: nil))
            return .array(array)
        }
        var object = container?.objectValue ?? [:]
        object[head] = inserting(value, at: path.dropFirst(), into: object[head])
        return .object(object)
    }
}
