import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `onboard run` against backends that fail the ways networks do, on loopback only (the name
/// that does not resolve is under `.invalid`, RFC 6761).
@Suite("onboard run: network errors and Ctrl-C")
struct NetworkErrorCommandTests {
    static let secret = "ys-dummy-key-0123456789abcdef"

    @Test("a host that does not resolve is named once, at once, without the key")
    func unresolvedHost() async throws {
        // "at once" is beside the resolver's own time: a CI machine's DNS may take many seconds
        // to say a name does not exist, which no client can shorten
        let resolving = await onThread { Self.resolveSeconds("nosuchhost.invalid") }
        let (r, seconds) = try await CLI.onboardTimed(
            ["run", "--base-url", "https://nosuchhost.invalid/v3", "-e", "yousign.workflow_templates.list()"],
            environment: ["YOUSIGN_API_KEY": Self.secret])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("onboard: (command line):1: GET /v3/workflow_templates: transport.error: cannot resolve host nosuchhost.invalid (Name or service not known)\n"), "\(r)")
        #expect(r.stderr.components(separatedBy: "/v3/workflow_templates").count == 2, "the path once: \(r)")
        #expect(!r.stderr.contains("retrying"), "\(r)")
        #expect(seconds < 5 + 2 * resolving, "resolving the name alone took \(resolving) s")
        #expect(!r.stdout.contains(Self.secret) && !r.stderr.contains(Self.secret))
    }

    /// How long this machine's resolver takes to fail for `host` (IPv4 and IPv6, as a client asks).
    static func resolveSeconds(_ host: String) -> Double {
        let started = Date()
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        if getaddrinfo(host, "443", &hints, &result) == 0 { freeaddrinfo(result) }
        return Date().timeIntervalSince(started)
    }

    @Test("Ctrl-C during a POST ends the run at once with exit 130, names the POST and kills the worker")
    func interruptedPost() async throws {
        let server = try await SilentServer.start()
        defer { server.stop() }
        let run = Process()
        run.executableURL = CLI.binary
        // a request timeout far off: on a loaded machine the test may take a while to send SIGINT
        run.arguments = ["run", "--base-url", "http://127.0.0.1:\(server.port)/v3", "--request-timeout", "5m", "-e",
                         "yousign.workflow_sessions.create{ name = 'Kelly', workflow_template_id = 't' }"]
        run.environment = ["YOUSIGN_API_KEY": Self.secret, "PATH": "/usr/bin:/bin", "ONBOARD_RUNS": CLI.testRunStore]
        let err = Pipe()
        run.standardError = err
        run.standardOutput = FileHandle.nullDevice
        run.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        run.terminationHandler = { _ in exited.signal() }
        try run.run()
        #expect(await onThread { server.waitForRequest(seconds: 20) }, "the POST reached the server")
        let workers = Self.children(of: run.processIdentifier)
        #expect(workers.count == 1, "one worker: \(workers)")
        let interrupted = Date()
        kill(run.processIdentifier, SIGINT)
        let ended = await onThread { exited.wait(timeout: .now() + 10) == .success }
        #expect(ended)
        #expect(Date().timeIntervalSince(interrupted) < 1.5)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(run.terminationStatus == 130)
        let result = CommandResult(status: run.terminationStatus, stdout: "", stderr: stderr)
        #expect(result.hasResumeLine, "\(result)")
        #expect(result.withoutResumeLine.stderr == "onboard: (command line): POST /v3/workflow_sessions: interrupted: stopped before the response came; the POST may have reached Yousign; check before retrying\n")
        #expect(!stderr.contains(Self.secret))
        for pid in workers { #expect(kill(pid, 0) == -1 && errno == ESRCH, "worker \(pid) is gone") }
    }

    @Test("on a terminal: Ctrl-C during a POST in the REPL names it and the session goes on")
    func replInterruptedPost() async throws {
        let server = try await SilentServer.start()
        defer { server.stop() }
        let folder = try TempFolder()
        let tty = try PseudoTerminal(["repl", "--base-url", "http://127.0.0.1:\(server.port)/v3", "--request-timeout", "5m"], in: folder.url,
                                     environment: ["YOUSIGN_API_KEY": Self.secret])
        #expect(await tty.waitFor("> "))
        await tty.keys("kept = 41\r")
        await tty.keys("yousign.workflow_sessions.create{ name = 'Kelly', workflow_template_id = 't' }\r")
        #expect(await onThread { server.waitForRequest(seconds: 20) }, "the POST reached the server")
        tty.type("\u{03}")
        // with `stdin:1: ` before it or not, as the kill lands in the line or in the host call
        #expect(await tty.waitFor("POST /v3/workflow_sessions: interrupted: stopped before the response came; the POST may have reached Yousign; check before retrying", timeout: 10),
                "\(tty.screen)")
        await tty.keys("kept + 1\r")
        #expect(await tty.waitFor("42"), "\(tty.screen)")
        tty.type("\u{04}")
        #expect(await tty.waitForExit() == 0)
        #expect(!tty.screen.contains(Self.secret))
    }

    @Test("on a terminal: Ctrl-C during a GET in onboard run ends it with 130, saying nothing of reaching Yousign")
    func terminalInterruptedGet() async throws {
        let server = try await SilentServer.start()
        defer { server.stop() }
        let folder = try TempFolder()
        let tty = try PseudoTerminal(["run", "--base-url", "http://127.0.0.1:\(server.port)/v3", "--request-timeout", "5m",
                                      "-e", "yousign.workflow_templates.list()"],
                                     in: folder.url, environment: ["YOUSIGN_API_KEY": Self.secret])
        #expect(await onThread { server.waitForRequest(seconds: 20) }, "the GET reached the server")
        tty.type("\u{03}")
        #expect(await tty.waitForExit(timeout: 10) == 130)
        #expect(tty.screen.contains("onboard: (command line): GET /v3/workflow_templates: interrupted: stopped before the response came\n"), "\(tty.screen)")
        #expect(!tty.screen.contains("may have reached"))
    }

    /// The children of `pid`, from every one of its threads.
    static func children(of pid: pid_t) -> [pid_t] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { task -> [pid_t] in
            let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
            return text.split(separator: " ").compactMap { pid_t($0) }
        }
    }
}

/// Runs `body` on a thread of its own, without holding a cooperative thread.
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}

/// A server on 127.0.0.1 that reads requests and never answers, run by python3 (which the
/// conformance check needs anyway) so that this target holds no second socket server; it
/// stops by itself after a minute.
final class SilentServer: @unchecked Sendable {
    let process = Process()
    let port: Int
    private let out = Pipe()

    static let script = """
        import socket, sys, threading, time
        s = socket.create_server(("127.0.0.1", 0))
        print(s.getsockname()[1], flush=True)
        def hold(c):
            if c.recv(65536): print("request", flush=True)
            time.sleep(60)
        threading.Thread(target=lambda: [threading.Thread(target=hold, args=(s.accept()[0],), daemon=True).start() for _ in iter(int, 1)], daemon=True).start()
        time.sleep(60)
        """

    struct StartError: Error { var output: String }

    /// Starts the server on a thread of its own: python3 may take a while to start on a loaded
    /// machine, and the wait must not hold one of Swift's cooperative threads.
    static func start() async throws -> SilentServer {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try SilentServer() }) }.start()
        }
    }

    private init() throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", Self.script]
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let line = Self.readLine(out.fileHandleForReading)
        guard let port = Int(line) else {
            process.terminate()
            throw StartError(output: line)
        }
        self.port = port
    }

    /// Whether a request arrived within `seconds`.
    func waitForRequest(seconds: Double) -> Bool {
        let got = DispatchSemaphore(value: 0)
        let handle = out.fileHandleForReading
        Thread { if Self.readLine(handle) == "request" { got.signal() } }.start()
        return got.wait(timeout: .now() + seconds) == .success
    }

    func stop() {
        // SIGKILL: a signal mask inherited from the test runner may hold SIGTERM back
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    private static func readLine(_ handle: FileHandle) -> String {
        var bytes: [UInt8] = []
        while true {
            let byte = handle.readData(ofLength: 1)
            if byte.isEmpty || byte.first == 10 { break }
            bytes += byte
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
