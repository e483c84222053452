import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// One hostile script and the exact safe outcome `onboard run` must give it. The script is
/// written to `script` in a fresh temporary folder (with `folders`, `files`, symbolic `links`,
/// `hardLinks`, `fifos` and `sparse` files beside it) and run there with `flags`, the key
/// `YOUSIGN_API_KEY=secret` in the environment, and `environment`.
///
/// Cases marked `// WEAKNESS Wn` fail on the build they were written against: they expect the
/// safe outcome, not what happens today (see the hand-over report).
struct HostileCase: Sendable, CustomTestStringConvertible {
    var name: String
    var code: String
    var flags: [String] = []
    var script: String = "case.lua"
    var folders: [String] = []
    var files: [String: String] = [:]
    /// name → target, made with `createSymbolicLink` (the target is taken as written).
    var links: [String: String] = [:]
    /// name → an existing file of the folder, made with `linkItem` (a hard link).
    var hardLinks: [String: String] = [:]
    var fifos: [String] = []
    /// name → size: a file starting with `%PDF-`, extended with a hole (no disk used).
    var sparse: [String: Int] = [:]
    var environment: [String: String] = [:]
    /// The exit status: 0 success, 1 script error, 2 usage error, 3 a limit fired.
    var expect: Int32
    var stdout: String? = nil
    var stdoutContains: [String] = []
    var stderrFirstLine: String? = nil
    var stderrContains: [String] = []
    var stderrExcludes: [String] = []
    /// Files whose content must be exactly this after the run.
    var filesAfter: [String: String] = [:]
    var maxSeconds: Double? = nil
    var maxStderrBytes: Int? = nil

    var testDescription: String { name }

    /// The API key in every run's environment: it must never show up in any output.
    static let secret = "sk_test_hostile_secret_0001"

    static var all: [HostileCase] {
        escapes + metatables + hostTables + limits + recursionAndMemory + leaks + uploads + downloads + output + emulator
    }

    /// What stderr holds when the process died instead of reporting (Swift runtime, signals, the worker).
    static let crashMarkers = ["crashed", "Fatal error", "Program crashed", "*** Signal"]

    /// Builds the case's folder.
    func makeFolder() throws -> TempFolder {
        let folder = try TempFolder()
        let fm = FileManager.default
        func url(_ name: String) throws -> URL {
            let url = folder.url.appendingPathComponent(name)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            return url
        }
        for name in folders { try fm.createDirectory(at: folder.url.appendingPathComponent(name), withIntermediateDirectories: true) }
        for (name, text) in files { try Data(text.utf8).write(to: url(name)) }
        for (name, target) in links { try fm.createSymbolicLink(atPath: url(name).path, withDestinationPath: target) }
        for (name, target) in hardLinks { try fm.linkItem(at: folder.url.appendingPathComponent(target), to: url(name)) }
        for name in fifos {
            let path = try url(name).path
            guard mkfifo(path, 0o644) == 0 else { throw CocoaError(.fileWriteUnknown) }
        }
        for (name, size) in sparse {
            let file = try url(name)
            try Data("%PDF-".utf8).write(to: file)
            let handle = try FileHandle(forWritingTo: file)
            try handle.truncate(atOffset: UInt64(size))
            try handle.close()
        }
        if !fifos.contains(script) && links[script] == nil { try Data((code + "\n").utf8).write(to: url(script)) }
        return folder
    }

    /// The checks every run must pass, hostile case or fuzz program: no key, no host path, no
    /// crash, a status onboard chose and, when it fails, its own message.
    static func universalProblems(_ r: CommandResult, folder: URL) -> [String] {
        var problems: [String] = []
        let both = r.stdout + r.stderr
        if both.contains(secret) { problems.append("the API key is in the output") }
        if CLI.root.path.count > 1 && both.contains(CLI.root.path) { problems.append("the repository's path \(CLI.root.path) is in the output") }
        if both.contains(folder.path) { problems.append("the run's folder path is in the output") }
        for marker in crashMarkers where r.stderr.contains(marker) { problems.append("stderr says '\(marker)'") }
        if !(0...3).contains(r.status) { problems.append("exit status \(r.status) (a signal?)") }
        if r.status != 0 && !r.stderr.hasPrefix("onboard: ") { problems.append("failed without an 'onboard: ' message") }
        return problems
    }
}

extension CommandResult {
    /// The result with long outputs cut, for failure messages.
    var brief: String {
        func cut(_ s: String) -> String { s.count <= 1500 ? s : String(s.prefix(1500)) + "… (\(s.utf8.count) bytes)" }
        return "exit \(status)\n--- stdout\n\(cut(stdout))\n--- stderr\n\(cut(stderr))"
    }
}

/// Hostile scripts against `onboard run`: escapes, bytecode, metatables, host tables, limits
/// that must not be caught, recursion, memory, slow C calls, secrets and host paths, files,
/// output floods and the emulator's controls; then a seeded fuzz and a server that echoes the key.
@Suite("onboard run: hostile scripts")
struct HostileScriptTests {
    @Test("a hostile script gets its exact safe outcome", arguments: HostileCase.all)
    func hostile(_ c: HostileCase) async throws {
        let folder = try c.makeFolder()
        let (r, elapsed) = try await CLI.onboardTimed(
            ["run"] + c.flags + [c.script], in: folder.url,
            environment: ["YOUSIGN_API_KEY": HostileCase.secret].merging(c.environment) { _, new in new })
        #expect(r.status == c.expect, "\(r.brief)")
        if let stdout = c.stdout { #expect(r.stdout == stdout, "\(r.brief)") }
        for needle in c.stdoutContains { #expect(r.stdout.contains(needle), "stdout lacks \(needle.debugDescription)\n\(r.brief)") }
        if let first = c.stderrFirstLine {
            #expect(r.stderr.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) == first, "\(r.brief)")
        }
        for needle in c.stderrContains { #expect(r.stderr.contains(needle), "stderr lacks \(needle.debugDescription)\n\(r.brief)") }
        for needle in c.stderrExcludes { #expect(!r.stderr.contains(needle), "stderr has \(needle.debugDescription)\n\(r.brief)") }
        for (name, text) in c.filesAfter {
            let content = (try? String(contentsOf: folder.url.appendingPathComponent(name), encoding: .utf8)) ?? "<missing>"
            #expect(content == text, "\(name) holds \(content.debugDescription)")
        }
        if let max = c.maxSeconds { #expect(elapsed < max, "took \(elapsed) s\n\(r.brief)") }
        if let max = c.maxStderrBytes { #expect(r.stderr.utf8.count <= max, "stderr is \(r.stderr.utf8.count) bytes") }
        let problems = HostileCase.universalProblems(r, folder: folder.url)
        #expect(problems.isEmpty, "\(problems.joined(separator: "; "))\n\(r.brief)")
    }

    @Test("fuzz: seeded token soup and mutated flows always end with a clear outcome")
    func fuzz() async throws {
        let width = min(4, max(2, ProcessInfo.processInfo.activeProcessorCount))
        let failures = await HostileFuzz.parallelMap(count: HostileFuzz.count, width: width) { HostileFuzz.problem(program: $0) }
            .compactMap { $0 }
        #expect(failures.isEmpty, "\(failures.count) of \(HostileFuzz.count) programs failed:\n\(failures.prefix(5).joined(separator: "\n\n"))")
    }

    // WEAKNESS W7: this test fails on the build it was written against: a 2xx answer reaches the
    // script unscrubbed (its first line prints the key).
    @Test("a server that echoes the key back cannot get it into the script's hands or its output")
    func echoingServer() async throws {
        let server = try EchoServer()
        defer { server.stop() }
        let folder = try TempFolder(text: ["case.lua": """
            local ok, result = pcall(yousign.workflow_templates.list)
            print(ok, ok and json.encode(result) or tostring(result))
            print(pcall(yousign.request, {method = "GET", path = "/fail"}))
            """])
        let r = try await CLI.onboardAsync(["run", "--base-url", "http://127.0.0.1:\(server.port)/v3", "--time-limit", "20s", "case.lua"],
                                in: folder.url, environment: ["YOUSIGN_API_KEY": HostileCase.secret])
        #expect(r.status == 0, "\(r.brief)")
        #expect(r.stdout.hasPrefix("true\t"), "\(r.brief)")
        #expect(r.stdout.contains("false\tGET /v3/fail: 400 evil: echo Bearer <redacted>\n"), "\(r.brief)")
        let problems = HostileCase.universalProblems(r, folder: folder.url)
        #expect(problems.isEmpty, "\(problems.joined(separator: "; "))\n\(r.brief)")
    }
}
