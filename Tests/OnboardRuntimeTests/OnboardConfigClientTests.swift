import Foundation
import Testing
import YousignWire
@testable import OnboardRuntime

@Suite("onboard.toml: [clients.NAME]")
struct OnboardConfigClientTests {
    /// A folder with `acme/files` and `beta/files`, and the config's path in it.
    func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clients-\(UUID().uuidString)").path
        for sub in ["acme/files", "beta/files", "out"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true)
        }
        return dir
    }

    static let twoClients = """
        [clients.acme]
        base_url = "https://api-sandbox.yousign.app/v3"
        api_key_env = "ACME_KEY"
        allow_read = ["acme/files"]
        allow_write = ["out/acme.json"]
        allow_env = ["ACME_*"]
        concurrency = 8
        rate_limit = "10/s,300/min"
        webhook_secret_env = "ACME_WEBHOOK_SECRET"

        [clients.beta]   # the other organisation
        emulator = "http://127.0.0.1:8080"
        api_key_env = "BETA_KEY"
        allow_read = ["beta/files"]
        """

    @Test("every key of a client, paths relative to the config file")
    func parses() throws {
        let dir = try folder()
        let config = try OnboardConfig.parse(Self.twoClients, path: dir + "/onboard.toml")
        let acme = try #require(config.clients["acme"])
        #expect(acme.profile.baseURL == "https://api-sandbox.yousign.app/v3")
        #expect(acme.profile.apiKeyEnv == "ACME_KEY")
        #expect(acme.profile.permissions.read == [dir + "/acme/files"])
        #expect(acme.profile.permissions.write == [dir + "/out/acme.json"])
        #expect(acme.profile.permissions.env == ["ACME_*"])
        #expect(acme.concurrency == 8)
        #expect(acme.rateLimit == RateLimits([.init(count: 10, seconds: 1), .init(count: 300, seconds: 60)]))
        #expect(acme.webhookSecretEnv == "ACME_WEBHOOK_SECRET")
        #expect(acme.location("concurrency") == dir + "/onboard.toml:7")
        #expect(config.clients["beta"]?.profile.emulatorURL == "http://127.0.0.1:8080")
        #expect(config.clients["beta"]?.location() == dir + "/onboard.toml:11")
    }

    @Test("mistakes name the file and the line, before anything runs", arguments: [
        ("[clients.a]\nconcurency = 4\n", "onboard.toml:2: clients.a: unknown key 'concurency' (known: allow_env, allow_read, allow_write, api_key_env, base_url, concurrency, description, emulator, ephemeral, every, on, rate_limit, state, webhook_secret_env)"),
        ("[clients.a]\n\nallow_read = [\"nowhere\"]\n", "onboard.toml:3: clients.a.allow_read grants 'nowhere', which does not exist (paths are relative to onboard.toml)"),
        ("[clients.a]\nallow_write = [\"no/such/folder/x.json\"]\n", "onboard.toml:2: clients.a.allow_write grants 'no/such/folder/x.json', whose folder does not exist (paths are relative to onboard.toml)"),
        ("[clients.a]\nconcurrency = 0\n", "onboard.toml:2: clients.a.concurrency must be between 1 and 256, not 0"),
        ("[clients.a]\nconcurrency = \"8\"\n", "onboard.toml:2: clients.a.concurrency must be a whole number, like 8"),
        ("[clients.a]\nrate_limit = \"fast\"\n", "onboard.toml:2: clients.a.rate_limit is not a rate limit: "),
        ("[clients.a]\napi_key_env = \"sk_test_abc def\"\n", "onboard.toml:2: clients.a.api_key_env must name an environment variable (like ACME_YOUSIGN_KEY), not hold a secret"),
        ("[clients.a]\nallow_env = [\"A-B\"]\n", "onboard.toml:2: clients.a.allow_env has 'A-B', which is not a variable name or PREFIX_* pattern"),
        ("[clients.a]\nbase_url = \"x\"\nstate = \"s.sqlite\"\n", "onboard.toml:1: clients.a names more than one backend (choose one of base_url, emulator, state/ephemeral)"),
        ("clients = 3\n", "onboard.toml:1: clients must be [clients.NAME] tables, not [[clients]] or a value"),
        ("[clients]\na = 1\n", "onboard.toml:2: clients.a must be a table ([clients.a])"),
    ])
    func errors(text: String, message: String) throws {
        let dir = try folder()
        let cwd = FileManager.default.currentDirectoryPath
        // the path as a relative one, as a user gives it: messages show it as given
        _ = FileManager.default.changeCurrentDirectoryPath(dir)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(cwd) }
        do {
            _ = try OnboardConfig.parse(text, path: "onboard.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }

    @Test("--client: its backend, key variable and grants; every other key is a secret; unset or unknown names stop it")
    func choice() throws {
        let dir = try folder()
        let config = try OnboardConfig.parse(Self.twoClients, path: dir + "/onboard.toml")
        let load: (String, Bool) throws(OnboardConfig.Failure) -> OnboardConfig = { _, _ in config }
        let env = ["ACME_KEY": "sk_acme", "BETA_KEY": "sk_beta"]
        let beta = try BackendChoice.resolve(BackendFlags(client: "beta"), environment: env, load: load)
        #expect(beta.target == .served(url: "http://127.0.0.1:8080"))
        #expect(beta.keyVariable == "BETA_KEY")
        #expect(beta.key(in: env) == "sk_beta")
        #expect(beta.client?.name == "beta")
        #expect(beta.profile?.permissions.read == [dir + "/beta/files"])
        #expect(beta.secretVariables.isSuperset(of: ["ACME_KEY", "BETA_KEY", "ACME_WEBHOOK_SECRET", "YOUSIGN_API_KEY"]))

        #expect(throws: BackendError.self) { try BackendChoice.resolve(BackendFlags(client: "beta"), environment: ["ACME_KEY": "x"], load: load) }
        do { _ = try BackendChoice.resolve(BackendFlags(client: "beta"), environment: ["ACME_KEY": "x"], load: load) } catch {
            #expect(error.description == "\(dir)/onboard.toml:13: client 'beta': api_key_env names BETA_KEY, which is not set; export BETA_KEY with the client's Yousign API key")
        }
        do { _ = try BackendChoice.resolve(BackendFlags(client: "gamma"), environment: env, load: load); Issue.record("gamma accepted") } catch {
            #expect(error.description == "no client 'gamma' in onboard.toml (clients: acme, beta)")
        }
        #expect(BackendFlags(profile: "p", client: "acme").conflict() != nil)
        let none: (String, Bool) throws(OnboardConfig.Failure) -> OnboardConfig = { p, r throws(OnboardConfig.Failure) in
            try OnboardConfig.load(path: "/nonexistent/" + p, required: r)
        }
        do { _ = try BackendChoice.resolve(BackendFlags(client: "acme"), environment: env, load: none); Issue.record("no file accepted") } catch {
            #expect(error.description == "--client acme: /nonexistent/onboard.toml: no such file (clients are [clients.NAME] tables of onboard.toml, or of the file --config names)")
        }
    }
}
