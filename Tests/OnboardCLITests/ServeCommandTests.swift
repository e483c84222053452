import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `onboard serve` as a user runs it: the built binary in its own process, driven over loopback.
@Suite("onboard serve, end to end on the built binary", .serialized)
struct ServeCommandTests {
    static let key = "emulator-test-key"
    static let template = "7e3b1f00-0000-4000-8000-00000000c0b0"

    @Test("prints the banner once bound, answers over HTTP, logs each request, exits 0 on SIGTERM")
    func banner() async throws {
        let folder = try TempFolder()
        let server = try ServeProcess(["serve", "--ephemeral", "--port", "0"], in: folder.url)
        #expect(server.banner == """
            Yousign emulator listening on http://127.0.0.1:\(server.port)/v3
            API key: \(Self.key)
            Control surface: http://127.0.0.1:\(server.port)/_emulator

            """)
        let r = try await HTTP.send(port: server.port, "GET", "/v3/workflow_templates")
        #expect(r.status == 200)
        #expect(r.body.contains("\"name\":\"Customer onboarding\""))
        let unauthorized = try await HTTP.send(port: server.port, "GET", "/v3/workflow_templates", key: "wrong-key")
        #expect(unauthorized.status == 401)
        let result = server.stop(SIGTERM)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 2, "\(result.stderr)")
        #expect(lines.first?.contains("GET /v3/workflow_templates 200 ") == true, "\(result.stderr)")
        #expect(lines.last?.contains("GET /v3/workflow_templates 401 ") == true, "\(result.stderr)")
        // neither key reaches the log
        #expect(!result.stderr.contains(Self.key) && !result.stderr.contains("wrong-key"))
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent(".onboard").path))
    }

    @Test("SIGINT stops it with exit 0 too")
    func sigint() async throws {
        let folder = try TempFolder()
        let server = try ServeProcess(["serve", "--ephemeral", "--port", "0"], in: folder.url)
        let result = server.stop(SIGINT)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("--state keeps sessions across restarts")
    func statePersists() async throws {
        let folder = try TempFolder()
        let state = folder.url.appendingPathComponent("state/emulator.sqlite").path
        let first = try ServeProcess(["serve", "--state", state, "--port", "0"], in: folder.url)
        let created = try await HTTP.send(port: first.port, "POST", "/v3/workflow_sessions",
                                          json: #"{"workflow_template_id":"\#(Self.template)","name":"Kelly Smith"}"#)
        #expect(created.status == 201, "\(created.body)")
        let id = try #require(created.body.firstMatch(of: /"id":"([0-9a-f-]{36})"/)?.1)
        #expect(first.stop(SIGTERM).status == 0)
        let second = try ServeProcess(["serve", "--state", state, "--port", "0"], in: folder.url)
        let got = try await HTTP.send(port: second.port, "GET", "/v3/workflow_sessions/\(id)")
        #expect(got.status == 200)
        #expect(got.body == created.body)
        #expect(second.stop(SIGTERM).status == 0)
    }

    @Test("kill -9 right after a 201 loses nothing: the write was committed before the answer")
    func killNine() async throws {
        let folder = try TempFolder()
        let state = folder.url.appendingPathComponent("emulator.sqlite").path
        let first = try ServeProcess(["serve", "--state", state, "--port", "0"], in: folder.url)
        var ids: [Substring] = []
        for i in 0..<5 {
            let created = try await HTTP.send(port: first.port, "POST", "/v3/workflow_sessions",
                                              json: #"{"workflow_template_id":"\#(Self.template)","name":"Customer \#(i)"}"#)
            #expect(created.status == 201)
            ids.append(try #require(created.body.firstMatch(of: /"id":"([0-9a-f-]{36})"/)?.1))
        }
        #expect(first.stop(SIGKILL).status != 0)
        let second = try ServeProcess(["serve", "--state", state, "--port", "0"], in: folder.url)
        for id in ids {
            #expect(try await HTTP.send(port: second.port, "GET", "/v3/workflow_sessions/\(id)").status == 200)
        }
        #expect(second.stop(SIGTERM).status == 0)
    }

    @Test("without --state the store is .onboard/emulator.sqlite under the current folder")
    func defaultState() async throws {
        let folder = try TempFolder()
        let server = try ServeProcess(["serve", "--port", "0"], in: folder.url)
        #expect(server.stop(SIGTERM).status == 0)
        #expect(FileManager.default.fileExists(atPath: folder.url.appendingPathComponent(".onboard/emulator.sqlite").path))
    }

    @Test("--ephemeral and --state together are a usage error")
    func ephemeralAndState() async throws {
        let r = try await CLI.onboardAsync(["serve", "--ephemeral", "--state", "x.sqlite", "--port", "0"])
        #expect(r.status == 2)
        #expect(r.stdout == "")
        #expect(r.stderr.contains("--state and --ephemeral exclude each other"), "\(r.stderr)")
    }

    @Test("a bad fixtures file is a usage error that says what is wrong")
    func badFixtures() async throws {
        let folder = try TempFolder(text: ["array.json": "[1]", "template.json": #"{"workflow_templates":[{"id":"x"}]}"#])
        let notObject = try await CLI.onboardAsync(["serve", "--ephemeral", "--fixtures", "array.json"], in: folder.url)
        #expect(notObject.status == 2)
        #expect(notObject.stderr == "onboard: array.json: the top level must be an object\n")
        let incomplete = try await CLI.onboardAsync(["serve", "--ephemeral", "--fixtures", "template.json"], in: folder.url)
        #expect(incomplete.status == 2)
        #expect(incomplete.stderr == "onboard: template.json: workflow_templates[0] needs \"id\", \"name\" and \"action_groups\"\n")
        let missing = try await CLI.onboardAsync(["serve", "--ephemeral", "--fixtures", "missing.json"], in: folder.url)
        #expect(missing.status == 2)
        #expect(missing.stderr == "onboard: cannot read fixtures file 'missing.json'\n")
    }

    @Test("fixtures, extra API keys and rate limits reach the served emulator; extra keys stay off the banner")
    func options() async throws {
        let folder = try TempFolder(text: ["fixtures.json": """
            {"workflow_templates": [{"id": "7e3b1f00-0000-4000-8000-0000000000aa", "name": "KYC only",
                                     "action_groups": ["identity_verification"]}]}
            """])
        let server = try ServeProcess(["serve", "--ephemeral", "--port", "0", "--fixtures", "fixtures.json",
                                       "--api-key", "second-key", "--rate-limit", "sandbox"], in: folder.url)
        #expect(server.banner.contains("API key: \(Self.key) (and 1 given with --api-key)\n"))
        #expect(!server.banner.contains("second-key"))
        let r = try await HTTP.send(port: server.port, "GET", "/v3/workflow_templates", key: "second-key")
        #expect(r.status == 200)
        #expect(r.body.contains("\"name\":\"KYC only\""))
        #expect(r.headers["x-ratelimit-limit-minute"] == "30")
        #expect(r.headers["x-ratelimit-remaining-minute"] == "29")
        #expect(server.stop(SIGTERM).status == 0)
    }

    @Test("a bad --latency is a usage error naming the flag and the forms it takes",
          arguments: [["--latency", "fast"], ["--latency", "50ms..10ms"], ["--latency=-20ms"]])
    func badLatency(flag: [String]) async throws {
        let r = try await CLI.onboardAsync(["serve", "--ephemeral", "--port", "0"] + flag)
        #expect(r.status == 2)
        #expect(r.stdout == "")
        #expect(r.stderr.hasPrefix("onboard: --latency: "), "\(r.stderr)")
        #expect(r.stderr.contains("10ms..50ms"), "\(r.stderr)")
    }

    @Test("--latency delays each request; a drop fault closes the connection after the session was created")
    func latencyAndDrop() async throws {
        let folder = try TempFolder()
        let server = try ServeProcess(["serve", "--ephemeral", "--port", "0", "--latency", "300ms"], in: folder.url)
        let start = Date()
        #expect(try await HTTP.send(port: server.port, "GET", "/v3/workflow_templates").status == 200)
        #expect(Date().timeIntervalSince(start) >= 0.3)
        let rule = try await HTTP.send(port: server.port, "POST", "/_emulator/faults",
                                       json: #"{"drop": true, "method": "POST", "path": "/workflow_sessions"}"#)
        #expect(rule.status == 201, "\(rule.body)")
        await #expect(throws: (any Error).self) {
            try await HTTP.send(port: server.port, "POST", "/v3/workflow_sessions",
                                json: #"{"workflow_template_id":"\#(Self.template)","name":"Kelly Smith"}"#)
        }
        let list = try await HTTP.send(port: server.port, "GET", "/v3/workflow_sessions")
        #expect(list.body.contains("\"name\":\"Kelly Smith\""), "\(list.body)")
        let result = server.stop(SIGTERM)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("POST /v3/workflow_sessions 201 dropped "), "\(result.stderr)")
    }

    @Test("a port in use: exit 1 with the reason")
    func portInUse() async throws {
        let folder = try TempFolder()
        let first = try ServeProcess(["serve", "--ephemeral", "--port", "0"], in: folder.url)
        let second = try await CLI.onboardAsync(["serve", "--ephemeral", "--port", String(first.port)], in: folder.url)
        #expect(second.status == 1)
        #expect(second.stdout == "")
        #expect(second.stderr == "onboard: cannot serve on 127.0.0.1:\(first.port): address already in use\n")
        #expect(first.stop(SIGTERM).status == 0)
    }
}

/// A running `onboard serve`: started, its banner read, and stopped with a signal.
final class ServeProcess {
    let process = Process()
    let banner: String
    let port: Int
    private let stderr = DataBox()
    private let stderrDone = DispatchSemaphore(value: 0)

    struct Stopped { var status: Int32; var stderr: String }

    init(_ arguments: [String], in directory: URL) throws {
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let (box, done) = (stderr, stderrDone)
        DispatchQueue.global().async {
            box.data = err.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        // the banner is three lines, written once the socket is bound
        var text = ""
        let deadline = Date().addingTimeInterval(20)
        while text.filter({ $0 == "\n" }).count < 3 && Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        banner = text
        guard let match = text.firstMatch(of: /listening on http:\/\/127\.0\.0\.1:(\d+)\/v3\n/), let port = Int(match.1) else {
            process.terminate()
            process.waitUntilExit()
            throw ServeStartError(banner: text)
        }
        self.port = port
    }

    func stop(_ signal: Int32) -> Stopped {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        stderrDone.wait()
        return Stopped(status: process.terminationStatus, stderr: String(decoding: stderr.data, as: UTF8.self))
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

struct ServeStartError: Error, CustomStringConvertible {
    let banner: String
    var description: String { "onboard serve did not print its banner: \(banner)" }
}

enum HTTP {
    struct Reply { var status: Int; var headers: [String: String]; var body: String }

    static func send(port: Int, _ method: String, _ path: String, json: String? = nil,
                     key: String = ServeCommandTests.key) async throws -> Reply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!, timeoutInterval: 10)
        request.httpMethod = method
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(json.utf8)
        }
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var headers: [String: String] = [:]
        for (k, v) in http.allHeaderFields { if let k = k as? String, let v = v as? String { headers[k.lowercased()] = v } }
        return Reply(status: http.statusCode, headers: headers, body: String(decoding: data, as: UTF8.self))
    }
}
