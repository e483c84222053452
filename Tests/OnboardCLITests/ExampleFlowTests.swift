import Foundation
import Testing

/// Every example flow, run as a user runs it: on the embedded emulator, and on an
/// `onboard serve` over loopback, with the same output once ids and times are set aside.
@Suite("examples/*.lua on the embedded emulator and over loopback", .serialized)
struct ExampleFlowTests {
    static let examples: [(file: String, lastLine: String)] = [
        ("onboarding.lua", "Kelly Smith's onboarding is done."),
        ("kyb.lua", "Emulated Company SAS's business onboarding is done."),
        ("retry_identity.lua", "Kelly Smith's identity is verified after a retry; the onboarding session is ongoing."),
        ("resolve_action.lua", "Kelly Smith's inconclusive identity document was resolved by hand: the identity group is done, the session ongoing."),
        ("declined_signature.lua", "Kelly declined the first contract (The salary is wrong) and signed the corrected one: the onboarding is done."),
        ("expiry_reactivation.lua", "Kelly's contract expired, was reactivated and signed: the onboarding is done."),
    ]

    /// Ids, times, dates and link tokens differ from run to run; the rest must not.
    static func normalized(_ text: String) -> String {
        text.replacing(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/, with: "<id>")
            .replacing(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/, with: "<time>")
            .replacing(/\d{4}-\d{2}-\d{2}/, with: "<date>")
            .replacing(/\d{2}:\d{2} UTC/, with: "<hh:mm> UTC")
            .replacing(/\?s=[0-9a-f]+/, with: "?s=<token>")
            .replacing(/\b1[6-9]\d{8}\b/, with: "<unix>")
            .replacing(/onboard-run_[0-9A-Z]{26}-\d+/, with: "onboard-<run>-<step>")
    }

    @Test("each example ends as documented, and reads the same on both backends")
    func examples() async throws {
        let folder = try TempFolder()
        let server = try ServeProcess(["serve", "--ephemeral", "--port", "0"], in: folder.url)
        defer { _ = server.stop(SIGTERM) }
        for (file, lastLine) in Self.examples {
            let embedded = try await CLI.onboardAsync(["run", "--ephemeral", "--allow-read=examples/files", "examples/\(file)"], environment: ["ONBOARD_PROFILE": ""])
            #expect(embedded.status == 0, "\(file): \(embedded)")
            #expect(embedded.stdout.split(separator: "\n").last.map(String.init) == lastLine, "\(file)")
            #expect(embedded.stderr.isEmpty, "\(file): \(embedded.stderr)")
            let served = try await CLI.onboardAsync(["run", "--emulator", "http://127.0.0.1:\(server.port)", "--allow-read=examples/files", "examples/\(file)"],
                                         environment: ["ONBOARD_PROFILE": ""])
            #expect(served.status == 0, "\(file) over loopback: \(served)")
            #expect(Self.normalized(served.stdout) == Self.normalized(embedded.stdout), "\(file): the backends disagree")
        }
    }

    @Test("the default state is .onboard/emulator.sqlite in the current folder, made on first use and kept")
    func defaultState() async throws {
        let folder = try TempFolder()
        let examples = CLI.root.appendingPathComponent("examples")
        try FileManager.default.createSymbolicLink(at: folder.url.appendingPathComponent("examples"), withDestinationURL: examples)
        let hello = try await CLI.onboardAsync(["run", "examples/hello.lua", "Kelly"], in: folder.url)
        #expect(hello.status == 0, "\(hello)")
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent(".onboard").path),
                "a run that never calls the API leaves no state")
        let script = "print(#yousign.signature_requests.list().data)\nyousign.signature_requests.create{ name = 'kept', delivery_mode = 'none' }\n"
        try Data(script.utf8).write(to: folder.url.appendingPathComponent("count.lua"))
        let first = try await CLI.onboardAsync(["run", "count.lua"], in: folder.url)
        let second = try await CLI.onboardAsync(["run", "count.lua"], in: folder.url)
        #expect(first.stdout == "0\n", "\(first)")
        #expect(second.stdout == "1\n", "\(second)")
        #expect(FileManager.default.fileExists(atPath: folder.url.appendingPathComponent(".onboard/emulator.sqlite").path))
        let ephemeral = try await CLI.onboardAsync(["run", "--ephemeral", "count.lua"], in: folder.url)
        #expect(ephemeral.stdout == "0\n")
    }
}
