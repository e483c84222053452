import Foundation
import Testing
@testable import OnboardRuntime

@Suite("onboard.toml")
struct OnboardConfigTests {
    @Test("profiles, a default, comments, both string kinds")
    func parses() throws {
        let config = try OnboardConfig.parse("""
            # which profile runs by default
            profile = "acme"

            [profiles.acme]
            base_url = "https://api-sandbox.yousign.app/v3"   # Acme's sandbox
            api_key_env = 'ACME_YOUSIGN_KEY'

            [profiles."local-serve"]
            emulator = "http://127.0.0.1:8080"

            [profiles.scratch]
            ephemeral = true

            [profiles.scratch.permissions]
            read = ["acme/in", "shared"]
            write = ["acme/out"]
            env = ["ACME_*"]
            """, path: "onboard.toml")
        #expect(config.defaultProfile == "acme")
        #expect(config.profiles["acme"]?.baseURL == "https://api-sandbox.yousign.app/v3")
        #expect(config.profiles["acme"]?.apiKeyEnv == "ACME_YOUSIGN_KEY")
        #expect(config.profiles["local-serve"]?.emulatorURL == "http://127.0.0.1:8080")
        #expect(config.profiles["scratch"]?.ephemeral == true)
        #expect(config.profiles["scratch"]?.permissions == .init(read: ["acme/in", "shared"], write: ["acme/out"], env: ["ACME_*"]))
        #expect(config.profiles["acme"]?.permissions == .init())
    }

    @Test("mistakes name the file, the line and the fix", arguments: [
        ("[profiles.a]\nbase_url = https://x\n", "onboard.toml:2: cannot read the value https://x (strings need quotes)"),
        ("[profiles.a]\nbase_url = \"x\"\nbase_url = \"y\"\n", "onboard.toml:3: 'base_url' is defined twice"),
        ("[profiles.a]\ncolour = \"red\"\n", "onboard.toml:2: profiles.a: unknown key 'colour' (known: api_key_env, base_url, description, emulator, ephemeral, permissions, state)"),
        ("[profiles.a]\nbase_url = \"x\"\nemulator = \"y\"\n", "onboard.toml:1: profiles.a names more than one backend (choose one of base_url, emulator, state/ephemeral)"),
        ("profile = \"b\"\n[profiles.a]\nstate = \"s\"\n", "onboard.toml:1: profile = \"b\" names no [profiles.b] table"),
        ("[profiles.a]\napi_key_env = \"sk_live abc\"\n", "onboard.toml:2: profiles.a.api_key_env must name an environment variable (like ACME_YOUSIGN_KEY), not hold a key"),
        ("[[profiles]]\n", "onboard.toml:1: profiles must be [profiles.NAME] tables, not [[profiles]] or a value"),
        ("key\n", "onboard.toml:1: expected key = value"),
    ])
    func errors(text: String, message: String) {
        #expect(throws: OnboardConfig.Failure.self) { try OnboardConfig.parse(text, path: "onboard.toml") }
        do { _ = try OnboardConfig.parse(text, path: "onboard.toml") } catch { #expect(error.description == message) }
    }

    @Test("a missing file is an empty configuration unless it was asked for")
    func missing() throws {
        #expect(try OnboardConfig.load(path: "/nonexistent/onboard.toml").profiles.isEmpty)
        #expect(throws: OnboardConfig.Failure.self) { try OnboardConfig.load(path: "/nonexistent/onboard.toml", required: true) }
    }
}

@Suite("Files a flow uploads and downloads: granted paths only, opened without following links")
struct FileAccessTests {
    @Test("reads and writes under the grants; everything else is refused with the flag that would allow it")
    func grants() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("onboard-files-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("docs/inner"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("out"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("private"), withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: root) }
        try Data("%PDF-1.7".utf8).write(to: root.appendingPathComponent("docs/a.pdf"))
        try Data("%PDF-1.7".utf8).write(to: root.appendingPathComponent("docs/inner/b.pdf"))
        try Data("secret".utf8).write(to: root.appendingPathComponent("private/key.txt"))
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("docs/escape").path, withDestinationPath: "/etc")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("docs/link.pdf").path, withDestinationPath: "a.pdf")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("docs/up").path, withDestinationPath: "../private")
        #expect(mkfifo(root.appendingPathComponent("docs/fifo").path, 0o600) == 0)
        try Data(repeating: 0, count: 2048).write(to: root.appendingPathComponent("docs/big.pdf"))
        let files = try FileAccess(root: root.path, read: ["docs"], write: ["out"], maxFileSize: 1024)

        #expect(try files.read("docs/a.pdf") == Array("%PDF-1.7".utf8))
        #expect(try files.read("./docs/inner/b.pdf") == Array("%PDF-1.7".utf8))
        #expect(try files.read(root.path + "/docs/a.pdf") == Array("%PDF-1.7".utf8), "an absolute path inside a grant")
        let refused: [(String, String)] = [
            ("private/key.txt", "read access to 'private/key.txt' is not granted; allow it with --allow-read=private"),
            ("key.txt", "read access to 'key.txt' is not granted; allow it with --allow-read=key.txt"),
            ("docs/../private/key.txt", "'docs/../private/key.txt': paths may not contain '..'"),
            ("/etc/passwd", "read access to '/etc/passwd' is not granted; allow it with --allow-read=/etc"),
            ("docs/escape/passwd", "a folder in the path is a symbolic link or a file, which is not followed"),
            ("docs/up/key.txt", "a folder in the path is a symbolic link or a file, which is not followed"),
            ("docs/link.pdf", "'docs/link.pdf' is a symbolic link, which is not followed"),
            ("docs/fifo", "'docs/fifo' is not a regular file"),
            ("docs/inner", "'docs/inner' is a folder, not a file"),
            ("docs/missing.pdf", "'docs/missing.pdf': no such file"),
            ("docs/big.pdf", "'docs/big.pdf' is larger than"),
            ("docs/a\0b", "not a valid file path"),
        ]
        for (path, reason) in refused {
            do {
                _ = try files.read(path)
                Issue.record("\(path) was read")
            } catch {
                #expect(error.description.contains(reason), "\(path): \(error)")
                #expect(!error.description.contains(root.path) || path.hasPrefix("/"), "a host path in \(error)")
            }
        }
        try files.write(Array("out".utf8), to: "out/signed.pdf")
        #expect(try Data(contentsOf: root.appendingPathComponent("out/signed.pdf")) == Data("out".utf8))
        #expect(throws: FileAccess.Denied.self) { try files.write([1], to: "docs/new.pdf") }
        #expect(throws: FileAccess.Denied.self) { try files.write([1], to: "out/missing/new.pdf") }
        #expect(FileAccess.baseName("a/b/verified_id_document_verification.pdf") == "verified_id_document_verification.pdf")
    }

    @Test("with no grant nothing is readable, and the audit log has a line per use")
    func denyByDefaultAndAudit() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("onboard-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("x".utf8).write(to: root.appendingPathComponent("a.pdf"))
        let auditPath = root.appendingPathComponent("audit.jsonl").path
        let log = try AuditLog(path: auditPath)
        let none = try FileAccess(root: root.path, audit: log)
        #expect(throws: FileAccess.Denied.self) { try none.read("a.pdf") }
        let granted = try FileAccess(root: root.path, read: ["."], audit: log)
        #expect(try granted.read("a.pdf") == Array("x".utf8))
        let env = EnvAccess(grants: ["ACME_*", "REGION"], environment: ["ACME_ID": "7", "REGION": "eu", "YOUSIGN_API_KEY": "k", "OTHER": "o"],
                            secret: ["YOUSIGN_API_KEY"], audit: log)
        #expect(try env.get("ACME_ID") == "7")
        #expect(try env.get("ACME_MISSING") == nil)
        #expect(try env.get("REGION") == "eu")
        #expect(throws: EnvAccess.Denied.self) { try env.get("OTHER") }
        #expect(throws: EnvAccess.Denied.self) { try env.get("YOUSIGN_API_KEY") }
        let lines = try String(contentsOfFile: auditPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 7)
        #expect(lines[0].contains(#""allowed":false"#) && lines[0].contains(#""permission":"read""#) && lines[0].contains(#""target":"a.pdf""#))
        #expect(lines[1].contains(#""grant":"--allow-read=.""#) && lines[1].contains(#""allowed":true"#))
        #expect(lines[2].contains(#""grant":"--allow-env=ACME_*""#))
        #expect(!lines.contains { $0.contains("\"7\"") || $0.contains("\"eu\"") }, "values never reach the audit log")
    }
}
