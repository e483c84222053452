import Foundation
import JSONCodec
import LuaKit
import YousignAPI

/// One test of a `*_test.lua` file: its place in the file's order, its full name (the
/// `describe` names and its own), where it is (`tests/onboarding_test.lua:12`).
public struct FlowTestCase: Sendable, Equatable {
    public var file: String
    public var index: Int
    public var name: String
    public var location: String
    public var pending: Bool
}

/// How a test ended.
public struct FlowTestResult: Sendable, Error {
    public enum Status: String, Sendable { case passed, failed, pending }
    public var test: FlowTestCase
    public var status: Status
    /// The expectation or error, its diff, where it failed and the traceback.
    public var message: String?
    public var diff: String?
    public var failedAt: String?
    public var traceback: String?
    /// What the test printed (not the runner's report lines).
    public var output: String
    public var seconds: Double
}

/// Runs the tests of `onboard test`: each file is loaded once to list its tests, then each
/// test runs alone in a fresh Lua state on a fresh in-memory emulator (so no test sees
/// another's state), in the sandbox and with the grants of `onboard run`, `concurrency` at a time.
public struct FlowTestRunner: Sendable {
    public var limits: LuaLimits
    public var stdlibFolder: String?
    /// A fresh in-memory emulator for each test (the CLI provides the emulator).
    public var emulator: EmbeddedOpener
    /// The grants, as `onboard run` takes them.
    public var files: @Sendable () throws -> FileAccess
    public var env: @Sendable () -> EnvAccess
    public var executor: any FlowExecutor

    public init(limits: LuaLimits, stdlibFolder: String? = StdlibLocator.find(), emulator: EmbeddedOpener,
                files: @escaping @Sendable () throws -> FileAccess, env: @escaping @Sendable () -> EnvAccess, executor: any FlowExecutor) {
        self.limits = limits
        self.stdlibFolder = stdlibFolder
        self.emulator = emulator
        self.files = files
        self.env = env
        self.executor = executor
    }

    /// Marks the lines stdlib/test.lua reports on.
    static let mark: [UInt8] = Array("\u{1E}onboard-test ".utf8)

    /// The `*_test.lua` files under `paths` (files as given, folders searched), sorted.
    public static func discover(_ paths: [String]) -> (files: [String], missing: [String]) {
        var files: [String] = [], missing: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                missing.append(path)
                continue
            }
            if !isDirectory.boolValue {
                files.append(path)
                continue
            }
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            for case let relative as String in fm.enumerator(atPath: path) ?? NSEnumerator() where relative.hasSuffix("_test.lua") {
                if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                files.append(base == "." ? relative : base + "/" + relative)
            }
        }
        return (Array(Set(files)).sorted(), missing)
    }

    /// The tests of a file, or why it could not be loaded.
    public func list(_ file: String) -> Result<[FlowTestCase], FlowTestResult> {
        let begun = Date()
        let (reports, output, failure) = execute(file, postlude: "__onboard_test.finish('list')")
        func broken(_ message: String) -> FlowTestResult {
            FlowTestResult(test: FlowTestCase(file: file, index: 0, name: "(loading the file)", location: file, pending: false),
                           status: .failed, message: message, output: output, seconds: Date().timeIntervalSince(begun))
        }
        if let failure { return .failure(broken(failure)) }
        guard let listed = reports.first?["tests"]?.arrayValue else { return .failure(broken("the file reported no tests")) }
        return .success(listed.enumerated().map { i, t in
            FlowTestCase(file: file, index: i + 1, name: t["name"]?.stringValue ?? "?", location: t["at"]?.stringValue ?? file,
                         pending: t["pending"]?.boolValue ?? false)
        })
    }

    /// Runs one test alone.
    public func run(_ test: FlowTestCase) -> FlowTestResult {
        let begun = Date()
        let (reports, output, failure) = execute(test.file, postlude: "__onboard_test.finish('run', \(test.index))")
        var result = FlowTestResult(test: test, status: .failed, output: output, seconds: 0)
        if let report = reports.last, let status = report["status"]?.stringValue.flatMap(FlowTestResult.Status.init(rawValue:)) {
            result.status = status
            result.message = report["message"]?.stringValue
            result.diff = report["diff"]?.stringValue
            result.failedAt = report["at"]?.stringValue
            result.traceback = report["traceback"]?.stringValue
        } else {
            result.message = failure ?? reports.last?["error"]?.stringValue ?? "the test reported nothing"
        }
        result.seconds = Date().timeIntervalSince(begun)
        return result
    }

    /// Runs the file with the DSL before it and `postlude` after, on a fresh emulator; the
    /// reports, the rest of the output, and the error that stopped it, if any.
    func execute(_ file: String, postlude: String) -> ([JSONValue], String, String?) {
        let captured = OutputBuffer()
        let host: FlowHost
        let source: ScriptSource
        do {
            source = try .file(file)
            let emulator = try self.emulator.open(EmulatorState(state: nil, ephemeral: true))
            host = FlowHost.emulator(transport: InProcessTransport { await emulator.handle($0) }, key: self.emulator.apiKey, advancing: true,
                                     description: BackendDescription(kind: .embeddedEmulator, location: "in memory, this test's own"),
                                     files: try files(), env: env())
        } catch {
            return ([], "", "\(error)")
        }
        let prelude = """
            local t = require("test")
            describe, it, before_each, after_each, pending, expect, run_flow = t.describe, t.it, t.before_each, t.after_each, t.pending, t.expect, t.run_flow
            __onboard_test = t
            """
        var run = ScriptRun(preludes: [.commandLine(prelude)], script: source, arguments: [], interpreterArguments: ["onboard", "test"],
                            scriptName: file, limits: limits, stdlibFolder: stdlibFolder, output: { captured.append($0) }, host: host)
        run.postludes = [ScriptSource(bytes: Array(postlude.utf8), chunkName: "=(onboard test)", folder: source.folder)]
        run.testing = true
        let outcome = executor.execute(run, effects: host, output: { captured.append($0) }, stop: RunStopHandle())
        let (reports, rest) = Self.split(captured.bytes)
        let failure: String? = switch outcome {
        case .finished(nil): nil
        case .finished(let error?): ErrorReport(error, limits: limits).text
        case .killedAtDeadline: "\(file): time limit exceeded (--time-limit \(limits.display(.time)))"
        case .crashed(let why): "\(file): the test crashed the Lua VM in its worker process (\(why))"
        }
        return (reports, rest, failure)
    }

    /// The report lines (JSON after the mark) and the other output.
    static func split(_ bytes: [UInt8]) -> ([JSONValue], String) {
        var reports: [JSONValue] = [], rest: [UInt8] = []
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if line.starts(with: mark), let value = try? JSONValue(parsing: Array(line.dropFirst(mark.count))) {
                reports.append(value)
            } else {
                rest += line
                rest.append(UInt8(ascii: "\n"))
            }
        }
        if !rest.isEmpty { rest.removeLast() }
        return (reports, String(decoding: rest, as: UTF8.self))
    }
}

/// Output gathered from any thread.
final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var data: [UInt8] = []
    func append(_ chunk: UnsafeRawBufferPointer) { lock.withLock { data += chunk } }
    var bytes: [UInt8] { lock.withLock { data } }
}
