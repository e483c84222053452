import YousignWire

/// Matches a method and path to a handler: `/v3/signature_requests/{signatureRequestId}/signers`.
struct Router: Sendable {
    typealias Handler = @Sendable (inout RequestContext) throws -> WireResponse
    /// A handler of the control surface that changes the emulator's own state beside the store
    /// (its clock offset, rate limiter, response cache): it runs outside any transaction, and
    /// opens the ones it needs.
    typealias EmulatorHandler = @Sendable (YousignEmulator, WireRequest) async throws -> WireResponse

    enum Action: Sendable {
        /// Runs inside the request's transaction.
        case store(Handler)
        case emulator(EmulatorHandler)
    }

    struct Route: Sendable {
        enum Segment: Sendable, Equatable {
            case literal(String)
            case parameter(String)
        }
        let method: String
        let pattern: String
        let segments: [Segment]
        let action: Action
        let requiresAuth: Bool
        /// Runs in a read transaction (concurrent with other reads, no write lock). GET routes are
        /// read-only unless registered otherwise (`GET …/links` notifies applicants).
        let readOnly: Bool
    }

    enum Match {
        case found(Route, [String: String])
        case methodNotAllowed
        case notFound
    }

    private(set) var routes: [Route] = []
    /// Routes by segment count, literal segments first (`/workspaces/default` before `/workspaces/{id}`).
    private var bySegmentCount: [Int: [Route]] = [:]

    mutating func add(_ method: String, _ pattern: String, auth: Bool = true, readOnly: Bool? = nil, _ handler: @escaping Handler) {
        insert(method, pattern, .store(handler), auth: auth, readOnly: readOnly ?? (method == "GET"))
    }

    /// A control route answered by the emulator itself (`/_emulator/clock/advance`); no API key.
    mutating func add(_ method: String, _ pattern: String, emulator handler: @escaping EmulatorHandler) {
        insert(method, pattern, .emulator(handler), auth: false, readOnly: method == "GET")
    }

    private mutating func insert(_ method: String, _ pattern: String, _ action: Action, auth: Bool, readOnly: Bool) {
        let segments = pattern.split(separator: "/").map { s -> Route.Segment in
            s.hasPrefix("{") && s.hasSuffix("}") ? .parameter(String(s.dropFirst().dropLast())) : .literal(String(s))
        }
        let route = Route(method: method, pattern: pattern, segments: segments, action: action, requiresAuth: auth, readOnly: readOnly)
        routes.append(route)
        var sameLength = bySegmentCount[segments.count] ?? []
        sameLength.append(route)
        sameLength.sort { Self.specificity($0) > Self.specificity($1) }
        bySegmentCount[segments.count] = sameLength
    }

    mutating func get(_ p: String, _ h: @escaping Handler) { add("GET", p, h) }
    mutating func post(_ p: String, _ h: @escaping Handler) { add("POST", p, h) }
    mutating func patch(_ p: String, _ h: @escaping Handler) { add("PATCH", p, h) }
    mutating func put(_ p: String, _ h: @escaping Handler) { add("PUT", p, h) }
    mutating func delete(_ p: String, _ h: @escaping Handler) { add("DELETE", p, h) }

    func match(method: String, path: String) -> Match {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var pathMatched = false
        for route in bySegmentCount[parts.count] ?? [] {
            var params: [String: String] = [:]
            var ok = true
            for (segment, part) in zip(route.segments, parts) {
                switch segment {
                case .literal(let l): if l != part { ok = false }
                case .parameter(let name): params[name] = part
                }
                if !ok { break }
            }
            guard ok else { continue }
            pathMatched = true
            if route.method == method { return .found(route, params) }
        }
        return pathMatched ? .methodNotAllowed : .notFound
    }

    private static func specificity(_ r: Route) -> Int { r.segments.filter { if case .literal = $0 { true } else { false } }.count }
}
