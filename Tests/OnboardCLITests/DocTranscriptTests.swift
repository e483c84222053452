import Foundation
import Testing

/// The transcripts in the docs are what the tools print: a doc that drifts is a bug.
@Suite("Doc transcripts")
struct DocTranscriptTests {
    @Test("docs/repl.md's first session prints what the REPL prints")
    func replTranscript() async throws {
        let doc = try String(contentsOf: CLI.root.appendingPathComponent("docs/repl.md"), encoding: .utf8)
        let blocks = doc.components(separatedBy: "```\n")
        let block = try #require(blocks.first { $0.hasPrefix("> ") }, "no transcript block in docs/repl.md")
        var input: [String] = [], expected: [String] = []
        for line in block.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) where !line.isEmpty {
            if line.contains("<Tab>") { continue }  // typed keys, not statements
            if line.hasPrefix("> ") { input.append(String(line.dropFirst(2))) } else { expected.append(line) }
        }
        #expect(input.count >= 3)
        let r = try await CLI.onboardAsync(["repl", "--ephemeral"], stdin: input.joined(separator: "\n") + "\n")
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout == expected.map { $0 + "\n" }.joined(), "\(r)")
    }
}
