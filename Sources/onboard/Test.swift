import ArgumentParser
import Foundation
import LuaKit
import OnboardRuntime

/// `onboard test [PATH...]`: the `*_test.lua` files, each test alone on its own emulator.
struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the flows' tests (*_test.lua): each test alone, on a fresh in-memory emulator, in parallel.",
        discussion: """
            Finds *_test.lua under each PATH (default: tests/ if it exists, else the current \
            folder). A test file uses busted's names (stdlib/test.lua): describe, it, before_each, \
            after_each, pending, expect(x).to_be / to_equal / to_match / to_contain / \
            to_be_truthy / to_fail_with (.never for the opposite), and run_flow(path, ...) to run \
            a flow file inside the test's emulator. Each test runs in the sandbox of `onboard \
            run`, with its permission flags and limits, in a fresh Lua state on a fresh emulator: \
            tests never see each other's state.

            Exit codes: 0 every test passed, 1 a test failed, 2 usage error (no test file found).
            """
    )

    @OptionGroup var limitOptions: LimitOptions

    @OptionGroup(title: "Permissions (nothing is allowed unless granted)") var permissions: PermissionOptions

    @Option(help: ArgumentHelp("Run only the tests whose full name contains this text (or matches this Lua-free pattern).", valueName: "text"))
    var filter: String?

    @Flag(help: "List the tests without running them.")
    var list = false

    @Flag(name: .customLong("fail-fast"), help: "Stop after the first failure.")
    var failFast = false

    @Flag(help: "One JSON object per test on standard output, then a summary object.")
    var json = false

    @Option(help: ArgumentHelp("Also write the results as JUnit XML (for GitLab, Jenkins).", valueName: "file"))
    var junit: String?

    @Option(help: ArgumentHelp("Tests at once (default: the number of cores).", valueName: "n"))
    var concurrency: Int?

    @Flag(help: "Run tests in this process instead of sandbox worker processes (for debugging and measuring).")
    var noWorker = false

    @Argument(help: ArgumentHelp("Test files or folders to search.", valueName: "path"))
    var paths: [String] = []

    func validate() throws {
        if let concurrency, !(1...256).contains(concurrency) { throw ValidationError("--concurrency must be between 1 and 256, not \(concurrency)") }
        try limitOptions.validate()
    }

    func run() throws {
        let searched = paths.isEmpty ? (FileManager.default.fileExists(atPath: "tests") ? ["tests"] : ["."]) : paths
        let (files, missing) = FlowTestRunner.discover(searched)
        for m in missing { Diagnostics.error("\(m): no such file or folder") }
        if !missing.isEmpty { throw ExitCode(ExitStatus.usage) }
        guard !files.isEmpty else {
            Diagnostics.error("no *_test.lua file under \(searched.joined(separator: ", "))")
            throw ExitCode(ExitStatus.usage)
        }
        let limits = try limitOptions.limits()
        let environment = ProcessInfo.processInfo.environment
        let permissions = self.permissions
        // the grants, checked once before any test runs
        do { _ = try permissions.access(profile: nil, secretVariables: [BackendChoice.defaultKeyVariable], environment: environment) } catch {
            Diagnostics.error(error.description)
            throw ExitCode(ExitStatus.usage)
        }
        let concurrency = concurrency ?? max(1, ProcessInfo.processInfo.activeProcessorCount)
        let pool = noWorker ? nil : WorkerPool(size: concurrency)
        defer { pool?.shutdown() }
        let runner = FlowTestRunner(
            limits: limits, emulator: EmbeddedEmulatorOpener.make(rateLimit: .off),
            files: { try permissions.access(profile: nil, secretVariables: [BackendChoice.defaultKeyVariable], environment: environment).0 },
            env: { (try? permissions.access(profile: nil, secretVariables: [BackendChoice.defaultKeyVariable], environment: environment).1) ?? EnvAccess() },
            executor: pool ?? InProcessExecutor())
        let begun = Date()
        let view = TestView(json: json)

        // list every file's tests (in parallel: a file is loaded once for this)
        let listing = LockedSlot([Int: Result<[FlowTestCase], FlowTestResult>]())
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            let r = runner.list(files[i])
            listing.withLock { $0[i] = r }
        }
        let listed = listing.withLock { l in files.indices.map { l[$0]! } }
        var cases: [FlowTestCase] = [], broken: [FlowTestResult] = []
        for r in listed {
            switch r {
            case .success(let tests): cases += tests.filter { filter == nil || $0.name.contains(filter!) }
            case .failure(let failure): broken.append(failure)
            }
        }
        if list {
            for c in cases { print("\(c.location)  \(c.name)\(c.pending ? "  (pending)" : "")") }
            for b in broken { Diagnostics.error(b.message ?? "\(b.test.file): cannot be loaded") }
            if !broken.isEmpty { throw ExitCode(ExitStatus.scriptError) }
            return
        }

        let results = ResultList()
        var counts: [String: Int] = [:]
        for c in cases { counts[c.file, default: 0] += 1 }
        for b in broken { counts[b.test.file, default: 0] += 1 }
        view.expect(counts)
        for b in broken { results.add(b); view.finished(b) }
        let queue = CaseQueue(cases)
        let threads = DispatchGroup()
        for _ in 0..<min(concurrency, max(1, cases.count)) {
            threads.enter()
            let thread = Thread {
                defer { threads.leave() }
                while let c = queue.next() {
                    let result = runner.run(c)
                    results.add(result)
                    view.finished(result)
                    if failFast && result.status == .failed { queue.stop() }
                }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        threads.wait()
        let all = results.all
        let seconds = Date().timeIntervalSince(begun)
        view.end(all, seconds: seconds, files: files.count)
        if let junit {
            do { try JUnitReport.xml(all, seconds: seconds).write(toFile: junit, atomically: true, encoding: .utf8) } catch {
                Diagnostics.error("--junit \(junit): \(error.localizedDescription)")
                throw ExitCode(ExitStatus.usage)
            }
        }
        if all.contains(where: { $0.status == .failed }) { throw ExitCode(ExitStatus.scriptError) }
    }
}

/// The tests left to run, handed to the run threads.
final class CaseQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var cases: [FlowTestCase]
    private var stopped = false
    init(_ cases: [FlowTestCase]) { self.cases = cases.reversed() }
    func next() -> FlowTestCase? { lock.withLock { stopped ? nil : cases.popLast() } }
    func stop() { lock.withLock { stopped = true } }
}

final class ResultList: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [FlowTestResult] = []
    func add(_ r: FlowTestResult) { lock.withLock { results.append(r) } }
    /// In the files' order, then the tests'.
    var all: [FlowTestResult] {
        lock.withLock { results.sorted { ($0.test.file, $0.test.index) < ($1.test.file, $1.test.index) } }
    }
}
