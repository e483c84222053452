import YousignWire

/// A request ready for the client: the filled path, the query and the body.
public struct APICall: Sendable, Equatable {
    public var method: String
    /// `/v3/...` with the path parameters filled in (decoded; the wire encodes them).
    public var path: String
    public var query: [QueryItem]
    public var body: RequestBody

    public init(method: String, path: String, query: [QueryItem] = [], body: RequestBody = .none) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.body = body
    }

    /// Whether `value` can stand as one path segment (an id): not empty, not `.` or `..`, no
    /// `/`, `?`, `#` or line break, which would address another resource.
    public static func isPathSegment(_ value: String) -> Bool {
        !value.isEmpty && value != "." && value != ".." && !value.contains(where: { "/?#".contains($0) || $0.isNewline })
    }

    /// Whether sending it twice does no more than sending it once.
    public var isIdempotent: Bool { method == "GET" || method == "HEAD" }
}

/// What a request carries.
public enum RequestBody: Sendable, Equatable {
    case none
    case json([UInt8])
    /// Text fields (bracket keys for nested values: `natural_person[first_name]`) and files.
    case multipart(fields: [(String, String)], files: [FilePart])

    public static func == (a: RequestBody, b: RequestBody) -> Bool {
        switch (a, b) {
        case (.none, .none): true
        case (.json(let x), .json(let y)): x == y
        case (.multipart(let f1, let p1), .multipart(let f2, let p2)):
            f1.count == f2.count && zip(f1, f2).allSatisfy { $0 == $1 } && p1 == p2
        default: false
        }
    }
}

/// A file in a multipart body.
public struct FilePart: Sendable, Equatable {
    /// The form field (`file`, `additional_file`).
    public var field: String
    /// The name the server sees (the sandbox picks outcomes from it).
    public var filename: String
    public var contentType: String
    public var content: [UInt8]

    public init(field: String, filename: String, contentType: String? = nil, content: [UInt8]) {
        self.field = field
        self.filename = filename
        self.contentType = contentType ?? FilePart.contentType(forName: filename)
        self.content = content
    }

    /// The media type Yousign expects for an upload's extension.
    public static func contentType(forName name: String) -> String {
        let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        return switch ext {
        case "pdf": "application/pdf"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case "csv": "text/csv"
        case "json": "application/json"
        case "txt": "text/plain"
        default: "application/octet-stream"
        }
    }
}

/// A success response, by what it carries.
public enum APIResult: Sendable, Equatable {
    /// A JSON document (the bytes as received).
    case json([UInt8])
    /// No body (204, or a 201 without content).
    case empty
    /// Bytes of another type (a PDF, a ZIP, CSV).
    case binary([UInt8], contentType: String?)
}

extension Operation {
    /// The call for this operation with its path arguments, in path order.
    ///
    /// An argument must be a non-empty path segment: a `/`, `?` or `#` in it, or `.`/`..`,
    /// would address another resource, so it is refused.
    public func call(pathArguments: [String], query: [QueryItem] = [], body: RequestBody = .none) throws(ArgumentError) -> APICall {
        guard pathArguments.count == pathParameters.count else {
            throw ArgumentError("\(luaName) takes \(pathParameters.count) path argument\(pathParameters.count == 1 ? "" : "s") (\(pathParameters.map(Operation.snakeCase).joined(separator: ", "))), got \(pathArguments.count)")
        }
        var filled = path
        for (name, value) in zip(pathParameters, pathArguments) {
            guard APICall.isPathSegment(value) else {
                throw ArgumentError("\(luaName): \(Operation.snakeCase(name)) must be an id, got \(value.isEmpty ? "an empty string" : "'\(value.prefix(60))'")")
            }
            filled = filled.replacingFirst("{\(name)}", with: value)
        }
        return APICall(method: method, path: "/v3" + filled, query: query, body: body)
    }

    /// `signatureRequestId` → `signature_request_id`.
    public static func snakeCase(_ name: String) -> String {
        var out = ""
        for c in name {
            if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
        }
        return out
    }
}

/// A call that cannot be built from what the script gave.
public struct ArgumentError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return String(self[..<range.lowerBound]) + replacement + String(self[range.upperBound...])
    }
}
