/// HTTP header fields in order, matched case-insensitively.
public struct WireHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var entries: [(name: String, value: String)]

    public init() { entries = [] }
    public init(_ entries: [(String, String)]) { self.entries = entries.map { (name: $0.0, value: $0.1) } }
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    /// The first value of `name`, any case.
    public subscript(name: String) -> String? {
        let lower = name.lowercased()
        return entries.first { $0.name.lowercased() == lower }?.value
    }

    /// Replaces every value of `name` with one.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        entries.append((name: name, value: value))
    }

    public mutating func add(_ name: String, _ value: String) { entries.append((name: name, value: value)) }

    public mutating func remove(_ name: String) {
        let lower = name.lowercased()
        entries.removeAll { $0.name.lowercased() == lower }
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { entries.makeIterator() }

    public static func == (a: WireHeaders, b: WireHeaders) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// The media type of `Content-Type` without parameters, lowercased (`multipart/form-data`).
    public var mediaType: String? {
        self["Content-Type"].map { String($0.split(separator: ";", maxSplits: 1)[0]).trimmingSpaces().lowercased() }
    }

    /// A parameter of `Content-Type` (`boundary`).
    public func contentTypeParameter(_ name: String) -> String? {
        guard let value = self["Content-Type"] else { return nil }
        for part in value.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces() }
            if pair.count == 2, pair[0].lowercased() == name.lowercased() {
                return pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2 ? String(pair[1].dropFirst().dropLast()) : pair[1]
            }
        }
        return nil
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
