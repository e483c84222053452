import Foundation
import Testing

/// Deny by default, as a user meets it on the command line.
@Suite("onboard run: permissions")
struct PermissionCommandTests {
    @Test("an upload without --allow-read fails naming the flag; with it the flow runs")
    func readGrant() async throws {
        let denied = try await CLI.onboardAsync(["run", "--ephemeral", "examples/onboarding.lua"])
        #expect(denied.status == 1)
        #expect(denied.stderr.contains("examples/onboarding.lua:"), "\(denied)")
        #expect(denied.stderr.contains("read access to 'examples/files/verified_id_document_verification.pdf' is not granted; allow it with --allow-read=examples/files"), "\(denied)")
        #expect(!denied.stderr.contains(CLI.root.path), "no host path in \(denied.stderr)")
        let allowed = try await CLI.onboardAsync(["run", "--ephemeral", "--allow-read=examples/files", "examples/onboarding.lua"])
        #expect(allowed.status == 0, "\(allowed)")
    }

    @Test("a grant of a path that does not exist is accepted with a warning naming it; existing ones say nothing")
    func missingGrant() async throws {
        let folder = try TempFolder()
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("files"), withIntermediateDirectories: true)
        let r = try await CLI.onboardAsync(["run", "--ephemeral", "--allow-read=nosuchdir,files", "--allow-write=out/x.pdf,files/y.pdf",
                                            "-e", "print('ran')"], in: folder.url)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout == "ran\n")
        #expect(r.stderr == """
            onboard: warning: --allow-read=nosuchdir: no such file or folder; the grant allows nothing until it exists
            onboard: warning: --allow-write=out/x.pdf: neither it nor its folder exists; the grant allows nothing until one does

            """, "\(r)")
    }

    @Test("downloads need --allow-write; env.get needs --allow-env and never gives the key; --audit logs each use")
    func writeEnvAndAudit() async throws {
        let folder = try TempFolder()
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("out"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("files"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: CLI.root.appendingPathComponent("examples/files/contract.pdf"),
                                         to: folder.url.appendingPathComponent("files/contract.pdf"))
        let script = """
            local sr = yousign.signature_requests.create{ name = "A", delivery_mode = "none" }
            local doc = yousign.signature_requests.documents.create(sr.id, { file = "files/contract.pdf", nature = "signable_document" })
            print(pcall(yousign.signature_requests.documents.download, sr.id, doc.id, { to = "elsewhere.pdf" }))
            print(yousign.signature_requests.documents.download(sr.id, doc.id, { to = "out/contract.pdf" }))
            print(env.get("ACME_REGION"), env.get("ACME_MISSING"))
            print(pcall(env.get, "HOME"))
            print(pcall(env.get, "YOUSIGN_API_KEY"))
            """
        try Data(script.utf8).write(to: folder.url.appendingPathComponent("flow.lua"))
        let r = try await CLI.onboardAsync(["run", "--ephemeral", "--allow-read=files", "--allow-write=out", "--allow-env=ACME_*,YOUSIGN_API_KEY",
                                 "--audit", "audit.jsonl", "flow.lua"],
                                in: folder.url, environment: ["ACME_REGION": "eu-west", "YOUSIGN_API_KEY": "sk_test_never_shown_123"])
        #expect(r.status == 0, "\(r)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "false\tyousign.signature_requests.documents.download: cannot save the download: write access to 'elsewhere.pdf' is not granted; allow it with --allow-write=elsewhere.pdf"
                || lines[0].hasPrefix("false\t"), "\(r.stdout)")
        #expect(lines[0].contains("--allow-write=elsewhere.pdf"), "\(r.stdout)")
        #expect(lines[1] == "out/contract.pdf")
        #expect(lines[2] == "eu-west\tnil")
        #expect(lines[3].hasPrefix("false\t") && lines[3].contains("HOME is not granted; allow it with --allow-env=HOME"), "\(r.stdout)")
        #expect(lines[4].contains("YOUSIGN_API_KEY holds the API key, which is never given to scripts"), "\(r.stdout)")
        #expect(!r.stdout.contains("sk_test_never_shown_123") && !r.stderr.contains("sk_test_never_shown_123"))
        let pdf = try Data(contentsOf: folder.url.appendingPathComponent("out/contract.pdf"))
        #expect(pdf.starts(with: Array("%PDF-".utf8)))
        let audit = try String(contentsOf: folder.url.appendingPathComponent("audit.jsonl"), encoding: .utf8)
        #expect(audit.contains(#""grant":"--allow-read=files","permission":"read","target":"files/contract.pdf""#), "\(audit)")
        #expect(audit.contains(#""allowed":false"#) && audit.contains(#""target":"elsewhere.pdf""#))
        #expect(audit.contains(#""grant":"--allow-write=out","permission":"write","target":"out/contract.pdf""#))
        #expect(!audit.contains("eu-west") && !audit.contains("sk_test"))
    }

    @Test("a profile's permissions apply to its runs")
    func profilePermissions() async throws {
        let folder = try TempFolder(text: ["onboard.toml": """
            [profiles.acme]
            ephemeral = true
            [profiles.acme.permissions]
            env = ["ACME_*"]
            """, "flow.lua": "print(env.get('ACME_ID'))"])
        let r = try await CLI.onboardAsync(["run", "--profile", "acme", "flow.lua"], in: folder.url, environment: ["ACME_ID": "42"])
        #expect(r.stdout == "42\n", "\(r)")
        let without = try await CLI.onboardAsync(["run", "--ephemeral", "flow.lua"], in: folder.url, environment: ["ACME_ID": "42"])
        #expect(without.status == 1)
        #expect(without.stderr.contains("ACME_ID is not granted; allow it with --allow-env=ACME_ID"), "\(without)")
    }
}
