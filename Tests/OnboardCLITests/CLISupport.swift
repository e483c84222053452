import Foundation

/// The result of running a command to completion.
struct CommandResult: Equatable, CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }

    /// The last line of a failed or interrupted run, which names its run id.
    static var resumeLine: Regex<(Substring, Substring)> { #/onboard: run run_[0-9A-Z]{26} (failed; fix the flow, then|interrupted;) resume it with: onboard runs resume run_[0-9A-Z]{26}[^\n]*\n$/# }

    /// The result without that line (the run id differs from run to run), and whether it had it.
    var withoutResumeLine: CommandResult {
        var copy = self
        if let match = stderr.firstMatch(of: Self.resumeLine) { copy.stderr.removeSubrange(match.range) }
        return copy
    }

    var hasResumeLine: Bool { stderr.firstMatch(of: Self.resumeLine) != nil }
}

enum CLI {
    /// The repository root (examples/, stdlib/).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The `onboard` binary built beside this test bundle.
    static let binary: URL = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        if dir.lastPathComponent.hasSuffix(".xctest") { dir = dir.deletingLastPathComponent() }
        return dir.appendingPathComponent("onboard")
    }()

    /// Runs `onboard ARGS` in `directory` (the repository root by default).
    static func onboard(_ arguments: [String], stdin: String? = nil, in directory: URL = root,
                        environment: [String: String] = [:]) throws -> CommandResult {
        try run(binary, arguments, stdin: stdin, in: directory, environment: environment)
    }

    /// `onboard` as above, from an async test, without holding one of Swift's cooperative
    /// threads while it runs (there are as many as cores: runs blocking them all would starve
    /// the in-process tests that need them). At most `gate`'s width of runs at a time, so a
    /// battery of async tests does not start them all at once.
    static func onboardAsync(_ arguments: [String], stdin: String? = nil, in directory: URL = root,
                             environment: [String: String] = [:]) async throws -> CommandResult {
        try await timedAsync(binary, arguments, stdin: stdin, in: directory, environment: environment).result
    }

    static func runAsync(_ executable: URL, _ arguments: [String], stdin: String? = nil, in directory: URL = root,
                         environment: [String: String] = [:]) async throws -> CommandResult {
        try await timedAsync(executable, arguments, stdin: stdin, in: directory, environment: environment).result
    }

    /// As `onboardAsync`, with the run's own time (not the wait for its turn).
    static func onboardTimed(_ arguments: [String], stdin: String? = nil, in directory: URL = root,
                             environment: [String: String] = [:]) async throws -> (result: CommandResult, seconds: Double) {
        try await timedAsync(binary, arguments, stdin: stdin, in: directory, environment: environment)
    }

    static func timedAsync(_ executable: URL, _ arguments: [String], stdin: String?, in directory: URL,
                           environment: [String: String]) async throws -> (result: CommandResult, seconds: Double) {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                gate.wait()
                defer { gate.signal() }
                let started = Date()
                continuation.resume(with: Result {
                    (try run(executable, arguments, stdin: stdin, in: directory, environment: environment), Date().timeIntervalSince(started))
                })
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Where the runs of this test process are journaled.
    static let testRunStore = FileManager.default.temporaryDirectory.appendingPathComponent("onboard-test-runs-\(getpid()).sqlite").path

    static let gate = DispatchSemaphore(value: max(2, ProcessInfo.processInfo.activeProcessorCount))

    static func run(_ executable: URL, _ arguments: [String], stdin: String? = nil, in directory: URL = root,
                    environment: [String: String] = [:]) throws -> CommandResult {
        let process = Process()
        // the test's own environment, without backend settings of the machine, plus these; runs
        // go to this test process's own store unless a test names one (the repository's
        // .onboard/ is not the tests' to fill)
        var env = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("YOUSIGN_") && $0.key != "ONBOARD_PROFILE" && $0.key != "ONBOARD_RUNS"
        }
        env["ONBOARD_RUNS"] = testRunStore
        if environment.isEmpty {
            env = ProcessInfo.processInfo.environment.merging(["ONBOARD_RUNS": testRunStore]) { _, new in new }
        }
        env.merge(environment) { _, new in new }
        process.environment = env
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // read both pipes concurrently so neither fills up
        let group = DispatchGroup()
        let stdoutBox = DataBox(), stderrBox = DataBox()
        for (pipe, box) in [(out, stdoutBox), (err, stderrBox)] {
            group.enter()
            DispatchQueue.global().async {
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
        }
        group.wait()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus,
                             stdout: String(decoding: stdoutBox.data, as: UTF8.self),
                             stderr: String(decoding: stderrBox.data, as: UTF8.self))
    }

    /// lua5.4 from Debian, when installed (scripts/bootstrap installs it).
    static let lua: URL? = ["/usr/bin/lua5.4", "/usr/local/bin/lua5.4"].map(URL.init(fileURLWithPath:))
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }
}

final class DataBox: @unchecked Sendable { var data = Data() }

/// A temporary folder with files, removed afterwards.
final class TempFolder {
    let url: URL
    init(_ files: [String: [UInt8]] = [:]) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("onboard-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, bytes) in files { try Data(bytes).write(to: url.appendingPathComponent(name)) }
    }
    convenience init(text files: [String: String]) throws {
        try self.init(files.mapValues { Array($0.utf8) })
    }
    deinit { try? FileManager.default.removeItem(at: url) }
}
