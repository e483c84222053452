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
            """, path: "onboard.toml")
        #expect(config.defaultProfile == "acme")
        #expect(config.profiles["acme"]?.baseURL == "https://api-sandbox.yousign.app/v3")
        #expect(config.profiles["acme"]?.apiKeyEnv == "ACME_YOUSIGN_KEY")
        #expect(config.profiles["local-serve"]?.emulatorURL == "http://127.0.0.1:8080")
        #expect(config.profiles["scratch"]?.ephemeral == true)
    }

    @Test("mistakes name the file, the line and the fix", arguments: [
        ("[profiles.a]\nbase_url = https://x\n", "onboard.toml:2: cannot read the value https://x (strings need quotes)"),
        ("[profiles.a]\nbase_url = \"x\"\nbase_url = \"y\"\n", "onboard.toml:3: 'base_url' is defined twice"),
        ("[profiles.a]\ncolour = \"red\"\n", "onboard.toml: profiles.a: unknown key 'colour' (known: api_key_env, base_url, description, emulator, ephemeral, state)"),
        ("[profiles.a]\nbase_url = \"x\"\nemulator = \"y\"\n", "onboard.toml: profiles.a names more than one backend (choose one of base_url, emulator, state/ephemeral)"),
        ("profile = \"b\"\n[profiles.a]\nstate = \"s\"\n", "onboard.toml: profile = \"b\" names no [profiles.b] table"),
        ("[profiles.a]\napi_key_env = \"sk_live abc\"\n", "onboard.toml: profiles.a.api_key_env must name an environment variable (like ACME_YOUSIGN_KEY), not hold a key"),
        ("[[profiles]]\n", "onboard.toml:1: a table header must look like [profiles.name]"),
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

@Suite("Files a flow uploads and downloads")
struct FileAccessTests {
    @Test("relative paths inside the folder; nothing outside it, not even through a symlink")
    func confinement() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("onboard-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("docs"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("%PDF-1.7".utf8).write(to: root.appendingPathComponent("docs/a.pdf"))
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("escape").path, withDestinationPath: "/etc")
        let files = FileAccess(root: root.path, maxFileSize: 1024)
        #expect(try files.read("docs/a.pdf") == Array("%PDF-1.7".utf8))
        #expect(try files.read("./docs/../docs/a.pdf") == Array("%PDF-1.7".utf8))
        for (path, reason) in [("../x.pdf", "leads outside the current folder"), ("/etc/passwd", "give a path relative to the current folder"),
                               ("escape/passwd", "leads outside the current folder"), ("docs", "is a folder, not a file"),
                               ("missing.pdf", "no such file"), ("a\0b", "not a valid file path")] {
            do {
                _ = try files.read(path)
                Issue.record("\(path) was read")
            } catch {
                #expect(error.description.contains(reason), "\(path): \(error)")
                #expect(!error.description.contains(root.path), "a host path in \(error)")
            }
        }
        try Data(repeating: 0, count: 2048).write(to: root.appendingPathComponent("big.pdf"))
        #expect(throws: FileAccess.Denied.self) { try files.read("big.pdf") }
        try files.write(Array("out".utf8), to: "docs/out.pdf")
        #expect(try files.read("docs/out.pdf") == Array("out".utf8))
        #expect(throws: FileAccess.Denied.self) { try files.write([1], to: "nofolder/out.pdf") }
        #expect(FileAccess.baseName("a/b/verified_id_document_verification.pdf") == "verified_id_document_verification.pdf")
    }
}
