import Foundation
import Testing

/// docs/automations.md's worked example, run as written: its files (the fenced blocks that name
/// a path) are written into an empty folder beside a copy of examples/, and its commands (the
/// `sh worked-example` block) are run there.
@Suite("docs/automations.md")
struct AutomationsDocTests {
    static let doc = CLI.root.appendingPathComponent("docs/automations.md")

    /// The fenced blocks: (info string, body).
    static func blocks(_ text: String) -> [(String, String)] {
        text.matches(of: /```([^\n]*)\n(.*?)```/.dotMatchesNewlines()).map { (String($0.1), String($0.2)) }
    }

    @Test("the worked example runs: two clients, a CSV each, the KYB flow and the seed flow")
    func workedExample() async throws {
        let text = try String(contentsOf: Self.doc, encoding: .utf8)
        let blocks = Self.blocks(text)
        let folder = try TempFolder()
        try FileManager.default.copyItem(at: CLI.root.appendingPathComponent("examples"), to: folder.url.appendingPathComponent("examples"))
        var files = 0
        for (info, body) in blocks {
            let words = info.split(separator: " ")
            guard words.count == 2, ["toml", "csv", "jsonl"].contains(words[0]) else { continue }
            let file = folder.url.appendingPathComponent(String(words[1]))
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(body.utf8).write(to: file)
            files += 1
        }
        #expect(files == 3, "onboard.toml and two CSV files")
        let commands = try #require(blocks.first { $0.0 == "sh worked-example" }?.1).split(separator: "\n").map(String.init)
        #expect(commands.count == 5)
        let store = folder.url.appendingPathComponent(".onboard/runs.sqlite").path
        var results: [CommandResult] = []
        for command in commands {
            let words = command.split(separator: " ").map(String.init)
            #expect(words.first == "onboard")
            let r = try await CLI.onboardAsync(Array(words.dropFirst()), in: folder.url, environment: ["ONBOARD_RUNS": store])
            #expect(r.status == 0, "\(command): \(r)")
            results.append(r)
        }
        // the dry run prints what the doc shows, and starts nothing
        let plan = try #require(blocks.first { $0.1.hasPrefix("dry run:") }?.1)
        #expect(results[0].stdout == plan, "\(results[0].stdout)")
        // Acme's three companies and Globex's four people are done; the second Globex run skips all
        let lines = { (r: CommandResult) in r.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] } }
        #expect(lines(results[1]).last?["done"] as? Int == 3, "\(results[1])")
        #expect(lines(results[2]).last?["done"] as? Int == 4, "\(results[2])")
        #expect(lines(results[3]).filter { $0["skipped"] as? Bool == true }.count == 4, "\(results[3])")
        #expect(results[2].stderr.contains("for client globex, 8 at once, on embedded emulator (.onboard/globex.sqlite), client globex"), "\(results[2])")
        #expect(results[4].stdout.components(separatedBy: "examples/kyb.lua  done").count == 4, "\(results[4])")
        // each client's embedded emulator holds its own customers
        for (client, expected) in [("acme", "Onboarding of Coop Lumière, SCOP"), ("globex", "Onboarding of Grace Hopper")] {
            let r = try await CLI.onboardAsync(["run", "--client", client, "-e", "for _, s in ipairs(yousign.workflow_sessions.list().data) do print(s.name, s.status) end"],
                                               in: folder.url, environment: ["ONBOARD_RUNS": store])
            #expect(r.status == 0 && r.stdout.contains(expected + "\tdone"), "\(client): \(r)")
            #expect(r.stdout.split(separator: "\n").count == (client == "acme" ? 3 : 4), "\(client): \(r.stdout)")
        }
    }
}
