/// One operation of Yousign's API v3, as the spec declares it, with the Lua name users call it
/// by (`signature_requests.documents.create`). The table of all of them, `Operation.all`, is
/// generated from the OpenAPI spec by `scripts/generate-operations.py`; name clashes are resolved
/// in `scripts/operations-overrides.yml`.
public struct Operation: Sendable, Hashable {
    /// How a request body may be sent.
    public enum BodyType: String, Sendable, Hashable {
        case json
        case multipart
        /// `*/*`: no body at all (`activate` without a sender).
        case none
    }

    /// What a success response carries.
    public enum ResponseKind: String, Sendable, Hashable {
        /// A JSON document.
        case json
        /// No body (204, or a 201 without content).
        case empty
        /// Bytes: a PDF, a ZIP, an image or CSV.
        case binary
    }

    /// The spec's `operationId`.
    public let id: String
    /// `GET`, `POST`, `PATCH`, `PUT` or `DELETE`.
    public let method: String
    /// The path template under `/v3` (`/signature_requests/{signatureRequestId}/documents`).
    public let path: String
    /// The dotted Lua name (`signature_requests.documents.create`).
    public let luaName: String
    /// Path parameter names in path order; they are the Lua function's positional arguments.
    public let pathParameters: [String]
    /// Query parameter names the spec declares (`after`, `limit`, `status[eq]`...).
    public let queryParameters: [String]
    /// Body variants the operation accepts, in the spec's order; empty when it takes no body.
    public let bodyTypes: [BodyType]
    /// Multipart fields that carry files (`format: binary`).
    public let fileFields: [String]
    /// What a success response carries.
    public let response: ResponseKind
    /// The success status code (200, 201 or 204).
    public let successStatus: Int
    /// A cursor-paginated list: `after`/`limit` parameters and a `{meta: {next_cursor}, data}` body.
    public let paginated: Bool
    /// The spec's summary.
    public let summary: String

    public init(
        id: String, method: String, path: String, luaName: String, pathParameters: [String] = [],
        queryParameters: [String] = [], bodyTypes: [BodyType] = [], fileFields: [String] = [],
        response: ResponseKind, successStatus: Int, paginated: Bool = false, summary: String
    ) {
        self.id = id
        self.method = method
        self.path = path
        self.luaName = luaName
        self.pathParameters = pathParameters
        self.queryParameters = queryParameters
        self.bodyTypes = bodyTypes
        self.fileFields = fileFields
        self.response = response
        self.successStatus = successStatus
        self.paginated = paginated
        self.summary = summary
    }
}
