import Foundation
import Testing

/// Choosing the backend (flags, environment, onboard.toml profiles), and keeping the key out
/// of everything a run prints.
@Suite("onboard run: backends, profiles and secrets", .serialized)
struct BackendCommandTests {
    static let secret = "sk_test_7f3c9e1d5b2a48e6a0c4d8f2b6e1a9c3"

    @Test("--base-url without a key in the environment is a usage error that names the variable")
    func missingKey() async throws {
        let r = try await CLI.onboardAsync(["run", "--base-url", "https://api-sandbox.yousign.app/v3", "-e", "print(1)"], environment: ["HOME": "/tmp"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("set YOUSIGN_API_KEY to your Yousign API key for https://api-sandbox.yousign.app/v3"), "\(r)")
        let both = try await CLI.onboardAsync(["run", "--ephemeral", "--emulator", "http://127.0.0.1:1", "-e", "print(1)"])
        #expect(both.status == 2)
        #expect(both.stderr.contains("choose one backend"), "\(both)")
    }

    @Test("profiles name the backend and the variable holding the key; the key never shows")
    func profilesAndRedaction() async throws {
        let folder = try TempFolder()
        let server = try ServeProcess(["serve", "--ephemeral", "--port", "0", "--api-key", Self.secret], in: folder.url)
        let toml = """
            # profiles for the tests
            profile = "local"

            [profiles.local]
            emulator = "http://127.0.0.1:\(server.port)"
            api_key_env = "ACME_YOUSIGN_KEY"

            [profiles.memory]
            ephemeral = true
            """
        try Data(toml.utf8).write(to: folder.url.appendingPathComponent("onboard.toml"))
        let script = """
            print(yousign.backend)
            print(#yousign.workflow_templates.list().data)
            local ok, e = pcall(yousign.workflow_sessions.create, { name = "x" })
            print(tostring(e))
            for k, v in pairs(e) do print(k, tostring(v)) end
            print(json.encode(yousign.signature_requests.create{ name = "c", delivery_mode = "none" }))
            yousign.workflow_sessions.get("00000000-0000-4000-8000-000000000000")
            """
        try Data(script.utf8).write(to: folder.url.appendingPathComponent("flow.lua"))
        let env = ["ACME_YOUSIGN_KEY": Self.secret, "ONBOARD_LOG": "debug"]
        let r = try await CLI.onboardAsync(["run", "flow.lua"], in: folder.url, environment: env)
        #expect(r.status == 1, "\(r)")
        #expect(r.stdout.hasPrefix("emulator at http://127.0.0.1:\(server.port)/v3, profile local\n3\n"), "\(r)")
        #expect(r.stderr.contains("flow.lua:7: GET /v3/workflow_sessions/00000000-0000-4000-8000-000000000000: 404 resource.not_found"), "\(r)")
        #expect(r.stderr.contains("GET /v3/workflow_templates -> 200"), "debug logs go to stderr: \(r.stderr)")

        let wrongKey = try await CLI.onboardAsync(["run", "flow.lua"], in: folder.url, environment: ["ACME_YOUSIGN_KEY": Self.secret + "x"])
        #expect(wrongKey.status == 1)
        #expect(wrongKey.stderr.contains("401"), "\(wrongKey)")

        let memory = try await CLI.onboardAsync(["run", "--profile", "memory", "-e", "print(yousign.backend)"], in: folder.url)
        #expect(memory.stdout == "embedded emulator (in memory), profile memory\n", "\(memory)")
        let unknown = try await CLI.onboardAsync(["run", "--profile", "nope", "-e", "print(1)"], in: folder.url)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no profile 'nope' in onboard.toml (profiles: local, memory)"), "\(unknown)")

        let dead = try await CLI.onboardAsync(["run", "--base-url", "http://127.0.0.1:9/v3", "-e", "yousign.workflow_templates.list()"],
                                   in: folder.url, environment: ["YOUSIGN_API_KEY": Self.secret, "ONBOARD_LOG": "debug"])
        #expect(dead.status == 1)
        #expect(dead.stderr.contains("connection refused"), "\(dead)")
        #expect(dead.stderr.contains("retrying"), "a connection that surely did not reach the server is retried: \(dead)")

        for result in [r, wrongKey, memory, unknown, dead] {
            #expect(!result.stdout.contains(Self.secret) && !result.stderr.contains(Self.secret), "the key leaked: \(result)")
            #expect(!result.stdout.contains(String(Self.secret.prefix(16))) && !result.stderr.contains(String(Self.secret.prefix(16))))
        }
        let serverLog = server.stop(SIGTERM)
        #expect(!serverLog.stderr.contains(Self.secret))
    }

    @Test("a malformed onboard.toml names its line")
    func badConfig() async throws {
        let folder = try TempFolder(text: ["onboard.toml": "[profiles.a]\nbase_url = https://x\n"])
        let r = try await CLI.onboardAsync(["run", "-e", "print(1)"], in: folder.url)
        #expect(r.status == 2)
        #expect(r.stderr.contains("onboard.toml:2: cannot read the value https://x (strings need quotes)"), "\(r)")
        let keyInFile = try TempFolder(text: ["onboard.toml": "[profiles.a]\napi_key_env = \"sk-123 456\"\n"])
        let k = try await CLI.onboardAsync(["run", "-e", "print(1)"], in: keyInFile.url)
        #expect(k.status == 2)
        #expect(k.stderr.contains("must name an environment variable"), "\(k)")
        #expect(!k.stderr.contains("sk-123"))
        // a run that uses no profile is not held up by it: it says what is wrong and goes on
        let ephemeral = try await CLI.onboardAsync(["run", "--ephemeral", "-e", "print(yousign.backend)"], in: folder.url)
        #expect(ephemeral.status == 0, "\(ephemeral)")
        #expect(ephemeral.stdout == "embedded emulator (in memory)\n")
        #expect(ephemeral.stderr == "onboard: warning: onboard.toml:2: cannot read the value https://x (strings need quotes) (ignored: this run uses no profile)\n")
    }

    @Test("a profile whose backend a flag replaced is not named as the backend, and a warning says so")
    func profileReplaced() async throws {
        let folder = try TempFolder(text: ["onboard.toml": "[profiles.local]\nemulator = \"http://127.0.0.1:9\"\n"])
        let r = try await CLI.onboardAsync(["run", "--profile", "local", "--ephemeral", "-e", "print(yousign.backend)"], in: folder.url)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout == "embedded emulator (in memory)\n")
        #expect(r.stderr.contains("profile 'local' names a backend that the command line replaced"), "\(r)")
    }

    @Test("time travel on a saved state is told at the end of the run and at the start of later ones; --reset-clock sets it back")
    func clockNotices() async throws {
        let folder = try TempFolder()
        let advance = try await CLI.onboardAsync(["run", "--state", "s.sqlite", "-e", "emulator.advance(5 * 86400)"], in: folder.url)
        #expect(advance.status == 0, "\(advance)")
        #expect(advance.stderr.contains("note: this run moved the clock of s.sqlite 5 days ahead"), "\(advance)")
        let later = try await CLI.onboardAsync(["run", "--state", "s.sqlite", "-e", "print(#yousign.workflow_templates.list().data)"], in: folder.url)
        #expect(later.stdout == "3\n")
        #expect(later.stderr.contains("note: the emulator state s.sqlite runs 5 days ahead of real time"), "\(later)")
        let offline = try await CLI.onboardAsync(["run", "--state", "s.sqlite", "-e", "print(1)"], in: folder.url)
        #expect(offline.stderr == "", "a run that never calls the API does not open the state: \(offline)")
        let reset = try await CLI.onboardAsync(["run", "--state", "s.sqlite", "--reset-clock", "-e", "print(#yousign.workflow_templates.list().data)"], in: folder.url)
        #expect(reset.status == 0, "\(reset)")
        #expect(reset.stderr == "", "\(reset)")
        let after = try await CLI.onboardAsync(["run", "--state", "s.sqlite", "-e", "print(#yousign.workflow_templates.list().data)"], in: folder.url)
        #expect(after.stderr == "", "\(after)")
        let ephemeral = try await CLI.onboardAsync(["run", "--ephemeral", "-e", "emulator.advance(9 * 86400)"], in: folder.url)
        #expect(ephemeral.stderr == "", "time travel in memory stays in its run: \(ephemeral)")
        let served = try await CLI.onboardAsync(["run", "--emulator", "http://127.0.0.1:9", "--reset-clock", "-e", "print(1)"], in: folder.url)
        #expect(served.status == 2)
        #expect(served.stderr.contains("--reset-clock is for the embedded emulator"), "\(served)")
    }

    @Test("on Yousign there is no `emulator`; --request-timeout is checked")
    func yousignBackend() async throws {
        let r = try await CLI.onboardAsync(["run", "--base-url", "http://127.0.0.1:9/v3", "-e", "print(emulator, yousign.backend)"],
                                environment: ["YOUSIGN_API_KEY": Self.secret])
        #expect(r.stdout == "nil\tYousign at http://127.0.0.1:9/v3\n", "\(r)")
        let bad = try await CLI.onboardAsync(["run", "--ephemeral", "--request-timeout", "soon", "-e", "print(1)"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--request-timeout: 'soon' is not a duration like 500ms, 30s or 2m"), "\(bad)")
    }
}
