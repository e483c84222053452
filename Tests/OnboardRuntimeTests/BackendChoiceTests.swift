import Foundation
import Testing
import YousignWire
@testable import OnboardRuntime

/// The backend precedence (flags, environment, onboard.toml) and the embedded emulator's clock
/// notices, without a process.
@Suite("Backend choice")
struct BackendChoiceTests {
    static let config = """
        profile = "acme"
        [profiles.acme]
        base_url = "https://api-sandbox.yousign.app/v3"
        api_key_env = "ACME_KEY"
        [profiles.local]
        emulator = "http://127.0.0.1:8080"
        [profiles.demo]
        state = ".onboard/demo.sqlite"
        api_key_env = "DEMO_KEY"
        [profiles.grants]
        api_key_env = "GRANTS_KEY"
        [profiles.grants.permissions]
        read = ["in"]
        """

    static func resolve(_ flags: BackendFlags, env: [String: String] = [:], text: String? = config) throws(BackendError) -> BackendChoice {
        try BackendChoice.resolve(flags, environment: env) { path, required throws(OnboardConfig.Failure) in
            guard let text else {
                if required { throw OnboardConfig.Failure(description: "\(path): no such file") }
                return OnboardConfig()
            }
            return try OnboardConfig.parse(text, path: path)
        }
    }

    @Test("no flag, no file: the embedded emulator in .onboard/emulator.sqlite with YOUSIGN_API_KEY")
    func defaults() throws {
        let c = try Self.resolve(BackendFlags(), text: nil)
        #expect(c.target == .embedded(.file(".onboard/emulator.sqlite")))
        #expect(c.keyVariable == "YOUSIGN_API_KEY")
        #expect(c.describedProfile == nil)
        #expect(c.warnings.isEmpty)
    }

    @Test("the file's default profile chooses when no flag does, and names itself")
    func defaultProfile() throws {
        let c = try Self.resolve(BackendFlags())
        #expect(c.target == .yousign(url: "https://api-sandbox.yousign.app/v3"))
        #expect(c.keyVariable == "ACME_KEY")
        #expect(c.describedProfile == "acme")
        #expect(c.secretVariables == ["YOUSIGN_API_KEY", "ACME_KEY", "DEMO_KEY", "GRANTS_KEY"])
    }

    @Test("a backend flag leaves the default profile out", arguments: [
        (BackendFlags(ephemeral: true), BackendChoice.Target.embedded(.memory)),
        (BackendFlags(state: "s.sqlite"), .embedded(.file("s.sqlite"))),
        (BackendFlags(emulator: "http://127.0.0.1:9"), .served(url: "http://127.0.0.1:9")),
        (BackendFlags(baseURL: "https://x.invalid/v3"), .yousign(url: "https://x.invalid/v3")),
    ])
    func flagsWin(flags: BackendFlags, target: BackendChoice.Target) throws {
        let c = try Self.resolve(flags)
        #expect(c.target == target)
        #expect(c.profile == nil)
        #expect(c.keyVariable == "YOUSIGN_API_KEY")
    }

    @Test("$YOUSIGN_BASE_URL chooses Yousign over the default profile; flags win over it")
    func environmentURL() throws {
        let env = ["YOUSIGN_BASE_URL": "https://env.invalid/v3"]
        #expect(try Self.resolve(BackendFlags(), env: env).target == .yousign(url: "https://env.invalid/v3"))
        #expect(try Self.resolve(BackendFlags(ephemeral: true), env: env).target == .embedded(.memory))
        #expect(try Self.resolve(BackendFlags(), env: ["YOUSIGN_BASE_URL": ""]).target == .yousign(url: "https://api-sandbox.yousign.app/v3"))
    }

    @Test("--profile or $ONBOARD_PROFILE picks a profile; its state, emulator and key are used")
    func namedProfile() throws {
        let demo = try Self.resolve(BackendFlags(profile: "demo"))
        #expect(demo.target == .embedded(.file(".onboard/demo.sqlite")))
        #expect(demo.keyVariable == "DEMO_KEY")
        #expect(demo.describedProfile == "demo")
        let local = try Self.resolve(BackendFlags(), env: ["ONBOARD_PROFILE": "local"])
        #expect(local.target == .served(url: "http://127.0.0.1:8080"))
        #expect(local.describedProfile == "local")
    }

    @Test("a flag that replaces a profile's backend: the profile gives key and grants, is not named, and a warning says so")
    func profileWithFlag() throws {
        let c = try Self.resolve(BackendFlags(profile: "local", ephemeral: true))
        #expect(c.target == .embedded(.memory))
        #expect(c.describedProfile == nil)
        #expect(c.profile?.name == "local")
        #expect(c.warnings == ["profile 'local' names a backend that the command line replaced; only its key variable and grants apply"])
        // a profile with no backend of its own only gives grants: nothing to warn about
        let grants = try Self.resolve(BackendFlags(profile: "grants", ephemeral: true))
        #expect(grants.warnings.isEmpty)
        #expect(grants.profile?.permissions.read == ["in"])
        #expect(grants.keyVariable == "GRANTS_KEY")
    }

    @Test("an unknown profile lists the known ones")
    func unknownProfile() {
        #expect(throws: BackendError("no profile 'nope' in onboard.toml (profiles: acme, demo, grants, local)")) {
            try Self.resolve(BackendFlags(profile: "nope"))
        }
    }

    @Test("a broken default onboard.toml stops runs that need a profile, and only warns for runs that do not")
    func brokenConfig() throws {
        let broken = "[profiles.a]\nbase_url = https://x\n"
        let message = "onboard.toml:2: cannot read the value https://x (strings need quotes)"
        #expect(throws: BackendError(message)) { try Self.resolve(BackendFlags(), text: broken) }
        #expect(throws: BackendError(message)) { try Self.resolve(BackendFlags(profile: "a", ephemeral: true), text: broken) }
        #expect(throws: BackendError("x.toml:2: cannot read the value https://x (strings need quotes)")) {
            try Self.resolve(BackendFlags(ephemeral: true, config: "x.toml"), text: broken)
        }
        let ephemeral = try Self.resolve(BackendFlags(ephemeral: true), text: broken)
        #expect(ephemeral.target == .embedded(.memory))
        #expect(ephemeral.warnings == [message + " (ignored: this run uses no profile)"])
    }

    @Test("one backend at a time; --state and --ephemeral exclude each other (the rule serve shares)")
    func conflicts() {
        #expect(throws: BackendError("choose one backend: --base-url, --emulator, or --state/--ephemeral")) {
            try Self.resolve(BackendFlags(baseURL: "https://x.invalid", ephemeral: true))
        }
        #expect(throws: BackendError("--state and --ephemeral exclude each other")) {
            try Self.resolve(BackendFlags(state: "a", ephemeral: true))
        }
        #expect(EmulatorState(state: nil, ephemeral: false) == .file(".onboard/emulator.sqlite"))
        #expect(EmulatorState(state: nil, ephemeral: true).location == "in memory")
    }

    @Test("Yousign without its key variable set: the error names the variable, never a value")
    func missingKey() throws {
        let c = try Self.resolve(BackendFlags(profile: "acme"), env: ["YOUSIGN_API_KEY": "sk-live-not-this-one"])
        let files = try FileAccess(read: [], write: [])
        #expect(throws: BackendError("set ACME_KEY to your Yousign API key for https://api-sandbox.yousign.app/v3 (keys are read from the environment so they never sit on a command line or in a file)")) {
            try c.prepare(environment: ["YOUSIGN_API_KEY": "sk-live-not-this-one"], files: files, env: EnvAccess(), timeout: .seconds(1),
                          embedded: StandInEmulator.opener(), notice: { _ in })
        }
    }
}

/// An embedded emulator whose clock offset a test sets.
final class StandInEmulator: EmbeddedEmulator, @unchecked Sendable {
    var offset: Double
    private(set) var resets = 0
    init(offset: Double) { self.offset = offset }
    func handle(_ request: WireRequest) async -> WireResponse { WireResponse(status: 200, headers: [:], body: Array("{}".utf8)) }
    var clockOffset: TimeInterval { offset }
    func setClockToRealTime() throws { offset = 0; resets += 1 }
    func tick() async {}

    static func opener(_ emulator: StandInEmulator = StandInEmulator(offset: 0)) -> EmbeddedOpener {
        EmbeddedOpener(apiKey: "emulator-key") { _ in emulator }
    }
}

@Suite("The embedded emulator's clock notices")
struct EmbeddedClockNoticeTests {
    final class Notes: @unchecked Sendable {
        var lines: [String] = []
        func add(_ s: String) { lines.append(s) }
    }

    @Test("opening a file state far ahead of real time says so once; memory and small offsets say nothing")
    func ahead() throws {
        let notes = Notes()
        let lazy = LazyEmbeddedEmulator(opener: StandInEmulator.opener(StandInEmulator(offset: 10 * 86_400 + 3 * 3600)),
                                        state: .file("s.sqlite"), notice: notes.add)
        #expect(notes.lines.isEmpty, "nothing is opened before the first request")
        _ = try lazy.get()
        _ = try lazy.get()
        #expect(notes.lines == ["note: the emulator state s.sqlite runs 10 days 3 hours ahead of real time (an earlier run moved its clock); `--reset-clock` sets it back to now, `--ephemeral` runs on a fresh state"])
        let quiet = Notes()
        _ = try LazyEmbeddedEmulator(opener: StandInEmulator.opener(StandInEmulator(offset: 120)), state: .file("s"), notice: quiet.add).get()
        _ = try LazyEmbeddedEmulator(opener: StandInEmulator.opener(StandInEmulator(offset: 9e6)), state: .memory, notice: quiet.add).get()
        #expect(quiet.lines.isEmpty)
    }

    @Test("a run that moves a file state's clock days ahead is told so at its end; --reset-clock resets before any notice")
    func afterRun() throws {
        let emulator = StandInEmulator(offset: 0)
        let notes = Notes()
        let lazy = LazyEmbeddedEmulator(opener: StandInEmulator.opener(emulator), state: .file("s.sqlite"), notice: notes.add)
        #expect(lazy.afterRunNotice() == nil, "never opened")
        _ = try lazy.get()
        emulator.offset = 5 * 86_400
        #expect(lazy.afterRunNotice() == "note: this run moved the clock of s.sqlite 5 days ahead; later runs on it see that time (`--reset-clock` sets it back to now; `--ephemeral` keeps time travel to one run)")

        let ahead = StandInEmulator(offset: 86_400)
        let reset = LazyEmbeddedEmulator(opener: StandInEmulator.opener(ahead), state: .file("s.sqlite"), notice: notes.add)
        try reset.resetClock()
        _ = try reset.get()
        #expect(ahead.resets == 1)
        #expect(notes.lines.isEmpty)
    }
}
