import Foundation
import Testing
@testable import OnboardRuntime

/// onboard.toml's parser against the official toml-test cases (vendored in toml-test/): it
/// claims a subset of TOML (TOMLSubset), so every invalid case must be refused, every valid
/// case it reads must come out exactly as the case's JSON says, and a valid case outside the
/// subset must be refused with a line number, never misread. The cases it reads are counted,
/// so a change that silently stops supporting some fails here.
@Suite("onboard.toml's TOML subset against toml-test")
struct TOMLConformanceTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("toml-test")

    static func cases(_ kind: String) -> [String] {
        let base = folder.appendingPathComponent(kind).path
        let all = FileManager.default.enumerator(atPath: base)?.compactMap { $0 as? String } ?? []
        return all.filter { $0.hasSuffix(".toml") }.sorted().map { base + "/" + $0 }
    }

    static func parse(_ path: String) -> Result<[String: TOMLSubset.Value], TOMLSubset.ParseError>? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        // what OnboardConfig.load does: the file must be UTF-8 text first
        guard let text = String(data: data, encoding: .utf8) else { return .failure(.init(line: 0, message: "not UTF-8")) }
        do { return .success(try TOMLSubset.parse(text)) } catch { return .failure(error) }
    }

    @Test("every invalid case is refused")
    func invalid() {
        let cases = Self.cases("invalid")
        #expect(cases.count > 490)
        var accepted: [String] = []
        for path in cases {
            if case .success? = Self.parse(path) { accepted.append(path.components(separatedBy: "toml-test/").last ?? path) }
        }
        #expect(accepted.isEmpty, "accepted \(accepted.count) invalid cases: \(accepted.joined(separator: ", "))")
    }

    @Test("every valid case is read exactly as its JSON says, or refused with a line")
    func valid() throws {
        let cases = Self.cases("valid")
        #expect(cases.count > 200)
        var read = 0, refused: [String] = [], wrong: [String] = []
        for path in cases {
            let name = path.components(separatedBy: "toml-test/").last ?? path
            guard let expected = try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: String(path.dropLast(5)) + ".json")))
            else { continue }
            switch Self.parse(path) {
            case .success(let table)?:
                if Self.matches(.table(table), expected) { read += 1 } else { wrong.append(name) }
            case .failure(let error)?:
                if error.line > 0 || error.message == "not UTF-8" { refused.append(name) } else { wrong.append("\(name) (no line)") }
            case nil: wrong.append("\(name) (unreadable)")
            }
        }
        #expect(wrong.isEmpty, "misread: \(wrong.joined(separator: ", "))")
        // the subset onboard.toml uses: comments, tables, dotted and quoted keys, basic and
        // literal strings, integers, floats, booleans, arrays, arrays of tables
        #expect(read >= Self.claimed, "read \(read) valid cases, claimed \(Self.claimed); refused: \(refused.count)")
    }

    /// Valid cases read when this was written (the rest are outside the subset: multi-line
    /// strings, inline tables, dates and times: 65 of the 210).
    static let claimed = 145

    /// The parsed value against toml-test's JSON encoding (`{"type": ..., "value": "..."}`).
    static func matches(_ value: TOMLSubset.Value, _ json: Any) -> Bool {
        switch value {
        case .table(let t):
            guard let o = json as? [String: Any], o.count == t.count else { return false }
            return t.allSatisfy { k, v in o[k].map { matches(v, $0) } ?? false }
        case .array(let a):
            guard let items = json as? [Any], items.count == a.count else { return false }
            return zip(a, items).allSatisfy { matches($0, $1) }
        default:
            guard let o = json as? [String: Any], let type = o["type"] as? String, let text = o["value"] as? String else { return false }
            switch value {
            case .string(let s): return type == "string" && s == text
            case .integer(let i): return type == "integer" && Int64(text) == i
            case .bool(let b): return type == "bool" && text == String(b)
            case .double(let d):
                guard type == "float" else { return false }
                if d.isNaN { return text == "nan" }
                if d.isInfinite { return text == (d > 0 ? "inf" : "-inf") || text == (d > 0 ? "+inf" : "-inf") }
                return Double(text) == d
            default: return false
            }
        }
    }
}
