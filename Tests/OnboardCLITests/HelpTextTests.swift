import Foundation
import Testing

/// Help is read in 80-column terminals and through pipes: paragraphs wrap into full lines.
@Suite("Help text")
struct HelpTextTests {
    @Test("every command's --help wraps its discussion into full lines, with no orphan words",
          arguments: ["run", "batch", "repl", "serve", "runs", "runs list", "runs resume"])
    func wraps(command: String) async throws {
        let folder = try TempFolder()
        let r = try await CLI.onboardAsync(command.split(separator: " ").map(String.init) + ["--help"], in: folder.url)
        #expect(r.status == 0)
        let text = r.stdout.components(separatedBy: "USAGE:")[0]
        let lines = text.components(separatedBy: "\n")
        for (i, line) in lines.enumerated() {
            #expect(line.count <= 80, "\(command) --help: a line over 80 columns: \(line)")
            #expect(!line.contains("\\"), "\(command) --help: a backslash shows: \(line)")
            let next = i + 1 < lines.count ? lines[i + 1] : ""
            // a short line inside a paragraph is a hard break that the wrapping orphaned
            if !next.isEmpty, !line.isEmpty {
                #expect(line.count >= 50, "\(command) --help: a short line inside a paragraph: '\(line)'")
            }
        }
    }
}
