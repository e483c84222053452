/// An HTTP request as a value: what the API client sends and the emulator receives, whether it
/// travels over a socket or stays in the process.
public struct WireRequest: Sendable, Equatable {
    public var method: String
    /// The path without the query, percent-decoded segments joined by `/` (`/v3/workflow_sessions`).
    public var path: String
    /// Query items in order, decoded.
    public var query: [QueryItem]
    public var headers: WireHeaders
    public var body: [UInt8]

    public init(method: String, path: String, query: [QueryItem] = [], headers: WireHeaders = [:], body: [UInt8] = []) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// A request from an HTTP request target (`/v3/x?limit=10&status%5Beq%5D=done`).
    public init(method: String, target: String, headers: WireHeaders = [:], body: [UInt8] = []) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.init(method: method, path: PercentEncoding.decode(String(parts[0])),
                  query: parts.count > 1 ? QueryItem.parse(String(parts[1])) : [], headers: headers, body: body)
    }

    /// The request target: path and encoded query.
    public var target: String {
        let encodedPath = path.split(separator: "/", omittingEmptySubsequences: false)
            .map { PercentEncoding.encode(String($0), allowed: PercentEncoding.pathAllowed) }.joined(separator: "/")
        return query.isEmpty ? encodedPath : encodedPath + "?" + QueryItem.encode(query)
    }

    /// The first value of a query parameter.
    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }
}

/// An HTTP response as a value.
public struct WireResponse: Sendable, Equatable {
    public var status: Int
    public var headers: WireHeaders
    public var body: [UInt8]
    /// The response is lost on its way back: the server acted on the request, then the
    /// connection closed before any byte of the answer (an emulator `drop` fault). The
    /// in-process transport fails as a dropped connection does; `onboard serve` closes it.
    public var dropConnection = false

    public init(status: Int, headers: WireHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

public struct QueryItem: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// `a=1&b%5Beq%5D=x+y` → items (`+` is a space, as in forms).
    public static func parse(_ query: String) -> [QueryItem] {
        query.split(separator: "&").compactMap { pair in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentEncoding.decode(String(kv[0]).replacingPlus())
            guard !name.isEmpty else { return nil }
            return QueryItem(name, kv.count > 1 ? PercentEncoding.decode(String(kv[1]).replacingPlus()) : "")
        }
    }

    public static func encode(_ items: [QueryItem]) -> String {
        items.map { PercentEncoding.encode($0.name, allowed: PercentEncoding.queryAllowed) + "="
            + PercentEncoding.encode($0.value, allowed: PercentEncoding.queryAllowed) }.joined(separator: "&")
    }
}

extension String {
    fileprivate func replacingPlus() -> String { String(map { $0 == "+" ? " " : $0 }) }
}

/// RFC 3986 percent-encoding.
public enum PercentEncoding {
    static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
    public static let pathAllowed = unreserved.union("!$&'()*+,;=:@".utf8)
    public static let queryAllowed = unreserved.union("!$'()*,;:@/?".utf8)

    public static func encode(_ s: String, allowed: Set<UInt8>) -> String {
        var out = ""
        for b in s.utf8 {
            if allowed.contains(b) { out.unicodeScalars.append(UnicodeScalar(b)) } else {
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded()
            }
        }
        return out
    }

    /// Decodes %XX sequences; invalid sequences stay as they are.
    public static func decode(_ s: String) -> String {
        guard s.contains("%") else { return s }
        var bytes: [UInt8] = []
        var utf8 = Array(s.utf8)[...]
        while let b = utf8.first {
            if b == UInt8(ascii: "%"), utf8.count >= 3,
               let v = UInt8(String(decoding: utf8.dropFirst().prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(b)
                utf8 = utf8.dropFirst()
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    fileprivate func leftPadded() -> String { count == 1 ? "0" + self : self }
}
