import Foundation
import Testing
@testable import YousignAPI

/// stdlib/types/yousign.lua, the LuaLS definitions `onboard types` writes: generated with the
/// bindings (theGeneratedFilesAreUpToDate checks it is what the spec gives), so checked here
/// against the operation table itself, Lua's own parser and the spec's schemas.
@Suite struct LuaTypesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let meta = root.appendingPathComponent("stdlib/types")

    /// Every definition file under stdlib/types (yousign.lua and yousign/<resource>.lua...).
    static func files() throws -> [URL] {
        let found = FileManager.default.enumerator(at: meta, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        return found.filter { $0.pathExtension == "lua" }.sorted { $0.path < $1.path }
    }

    /// The `yousign` module's definitions, all its files joined.
    func yousign() throws -> String {
        try Self.files().filter { $0.lastPathComponent == "yousign.lua" || $0.deletingLastPathComponent().lastPathComponent == "yousign" }
            .map { try String(contentsOf: $0, encoding: .utf8) }.joined(separator: "\n\n")
    }

    @Test("every operation of the table is a function with its HTTP operation and its path parameters")
    func everyOperation() throws {
        let lua = try yousign()
        #expect(lua.hasPrefix("---@meta yousign\n"))
        for file in try Self.files() {
            let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).count
            #expect(lines <= 600, "\(file.lastPathComponent): \(lines) lines")
        }
        for op in Operation.all {
            let start = try #require(lua.range(of: "\nfunction yousign.\(op.luaName)("), "\(op.luaName) is missing")
            let before = lua[..<start.lowerBound].suffix(2000)
            let doc = before[(before.range(of: "\n\n", options: .backwards)?.upperBound ?? before.startIndex)...]
            #expect(doc.contains("---`\(op.method) /v3\(op.path)`"), "\(op.luaName): \(doc)")
            for p in op.pathParameters {
                let snake = p.replacing(/([a-z0-9])([A-Z])/) { "\($0.1)_\($0.2)" }.lowercased()
                #expect(doc.contains("---@param \(snake) string"), "\(op.luaName): \(p)")
            }
        }
        #expect(lua.components(separatedBy: "\nfunction yousign.").count - 1 == Operation.all.count + Operation.all.filter { $0.paginated && $0.luaName.hasSuffix(".list") }.count + 6)
    }

    @Test("every file parses with luac5.4 -p")
    func parses() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/luac5.4") else {
            print("skipped: luac5.4 is not installed (Debian's lua5.4 package; scripts/bootstrap installs it)")
            return
        }
        let files = try Self.files()
        #expect(files.count > 10)
        for file in files {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/luac5.4")
            p.arguments = ["-p", file.path]
            try p.run()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(file) does not parse")
        }
    }

    @Test("a sample of classes has the spec's fields, required ones without ?, enums as their values")
    func classesMatchTheSpec() throws {
        let spec = Self.root.deletingLastPathComponent().appendingPathComponent("shared/yousign/openapi-v3.yml")
        guard FileManager.default.fileExists(atPath: spec.path) else {
            print("skipped: the spec is not at ../shared/yousign/openapi-v3.yml")
            return
        }
        let names = ["NewSignatureRequestFromScratch", "CreateSignerConsentRequest", "WorkflowSession", "SignatureRequest"]
        let script = """
            import json, sys, yaml
            d = yaml.load(open(sys.argv[1]).read(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            schemas = d["components"]["schemas"]
            def res(p):
                while isinstance(p, dict) and "$ref" in p:
                    p = schemas[p["$ref"].rsplit("/", 1)[-1]]
                return p
            out = {}
            for name in sys.argv[2:]:
                key = next(k for k in schemas if k.replace("_", "").lower() == name.lower())
                s = schemas[key]
                props = s.get("properties") or {}
                out[name] = {"required": s.get("required") or [],
                             "nullable": [f for f, p in props.items() if res(p).get("nullable") is True],
                             "fields": {f: [e for e in (res(p).get("enum") or []) if isinstance(e, str)] for f, p in props.items()}}
            print(json.dumps(out))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, spec.path] + names
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            print("skipped: python3 with yaml could not read the spec")
            return
        }
        let expected = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
        let lua = try yousign()
        for name in names {
            let header = try #require(lua.range(of: "---@class yousign.\(name)\n"), "no class \(name)")
            let block = lua[header.upperBound...].prefix { _ in true }.split(separator: "\n\n", maxSplits: 1).first.map(String.init) ?? ""
            let fields = try #require(expected[name]?["fields"] as? [String: [String]])
            let required = Set(expected[name]?["required"] as? [String] ?? [])
            let nullable = Set(expected[name]?["nullable"] as? [String] ?? [])
            #expect(!fields.isEmpty)
            for (field, values) in fields {
                let line = try #require(block.split(separator: "\n").first { $0.hasPrefix("---@field \(field) ") || $0.hasPrefix("---@field [\"\(field)\"] ") },
                                        "\(name).\(field) is missing")
                let type = line.split(separator: " ")[2]
                if required.contains(field) && !nullable.contains(field) {
                    #expect(!type.hasSuffix("?"), "\(name).\(field) is required: \(line)")
                } else {
                    #expect(type.hasSuffix("?"), "\(name).\(field) is optional or nullable: \(line)")
                }
                for v in values { #expect(line.contains("\"\(v)\""), "\(name).\(field) lacks \(v): \(line)") }
            }
        }
    }
}
