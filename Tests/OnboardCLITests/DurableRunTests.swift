import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Durable runs end to end: `onboard run` killed with kill -9 at many moments against
/// `onboard serve --latency`, lost responses, then `onboard runs resume`, and what the emulator
/// holds afterwards: one of each per run, no duplicate, no orphan.
@Suite(.serialized) struct DurableRunTests {
    /// A folder with examples/ linked in, a store of its own and an `onboard serve` with latency.
    final class Bench: @unchecked Sendable {
        let folder: TempFolder
        let server: ServeProcess
        let store: String
        var url: String { "http://127.0.0.1:\(server.port)" }

        init(latency: String = "20ms") throws {
            folder = try TempFolder()
            // a copy, not a link: the read grant holds for files under the folder itself
            try FileManager.default.copyItem(at: CLI.root.appendingPathComponent("examples"),
                                             to: folder.url.appendingPathComponent("examples"))
            store = folder.url.appendingPathComponent("runs.sqlite").path
            server = try ServeProcess(["serve", "--ephemeral", "--port", "0", "--latency", latency], in: folder.url)
        }

        var env: [String: String] { ["ONBOARD_RUNS": store] }
        var flowArguments: [String] { ["run", "--emulator", url, "--allow-read=examples/files", "examples/onboarding.lua"] }

        func onboard(_ arguments: [String]) async throws -> CommandResult {
            try await CLI.onboardAsync(arguments, in: folder.url, environment: env)
        }

        /// Starts the seed flow and kills it with SIGKILL after `delay` seconds (if still running).
        func killed(after delay: Double) throws {
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = flowArguments
            process.currentDirectoryURL = folder.url
            process.environment = ProcessInfo.processInfo.environment.merging(env) { _, new in new }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            usleep(useconds_t(delay * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        func runs(_ status: String? = nil) async throws -> [[String: Any]] {
            let listed = try await onboard(["runs", "list", "--json"] + (status.map { ["--status", $0] } ?? []))
            #expect(listed.status == 0, "\(listed)")
            return listed.stdout.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }

        func get(_ path: String) async throws -> Any {
            let reply = try await HTTP.send(port: server.port, "GET", "/v3" + path + (path.contains("?") ? "&" : "?") + "limit=100")
            return try JSONSerialization.jsonObject(with: Data(reply.body.utf8))
        }

        func list(_ path: String) async throws -> [[String: Any]] {
            let doc = try await get(path)
            if let array = doc as? [[String: Any]] { return array }
            return (doc as? [String: Any])?["data"] as? [[String: Any]] ?? []
        }

        /// What the emulator holds: sessions, and per session its actions; requests with their
        /// documents and signers.
        func census() async throws -> (sessions: Int, identity: [Int], requests: [Int], documents: [Int], signers: [Int]) {
            let sessions = try await list("/workflow_sessions")
            var identity: [Int] = [], requests: [Int] = []
            for s in sessions {
                let full = try await get("/workflow_sessions/\(s["id"] as? String ?? "")") as? [String: Any] ?? [:]
                let actions = (full["action_groups"] as? [[String: Any]] ?? []).flatMap { $0["actions"] as? [[String: Any]] ?? [] }
                let types = actions.compactMap { ($0["resource"] as? [String: Any])?["type"] as? String }
                identity.append(types.filter { $0 == "identity_document_verification" }.count)
                requests.append(types.filter { $0 == "signature_request" }.count)
            }
            var documents: [Int] = [], signers: [Int] = []
            for sr in try await list("/signature_requests") {
                let id = sr["id"] as? String ?? ""
                documents.append(try await list("/signature_requests/\(id)/documents").count)
                signers.append(try await list("/signature_requests/\(id)/signers").count)
            }
            return (sessions.count, identity, requests, documents, signers)
        }

        func expectOneOfEachPerRun(_ runs: Int, _ context: String) async throws {
            let c = try await census()
            #expect(c.sessions == runs, "\(context): \(c.sessions) sessions for \(runs) runs")
            #expect(c.identity == Array(repeating: 1, count: runs), "\(context): identity verifications per session \(c.identity)")
            #expect(c.requests == Array(repeating: 1, count: runs), "\(context): signature requests per session \(c.requests)")
            #expect(c.documents == Array(repeating: 1, count: runs), "\(context): documents per request \(c.documents)")
            #expect(c.signers == Array(repeating: 1, count: runs), "\(context): signers per request \(c.signers)")
        }
    }

    @Test("kill -9 at 20 moments spread over the seed flow, then runs resume: every run done, one of each per run")
    func killNineAtTwentyMoments() async throws {
        let bench = try Bench()
        defer { _ = bench.server.stop(SIGTERM) }
        // how long the whole flow takes here, against 20 ms of latency a request
        let started = Date()
        let whole = try await bench.onboard(bench.flowArguments)
        let duration = Date().timeIntervalSince(started)
        #expect(whole.status == 0, "\(whole)")
        var completed = 1
        var resumedFrom: [Int] = []
        for i in 1...20 {
            try bench.killed(after: duration * Double(i) / 21)
            let interrupted = try await bench.runs("interrupted")
            guard let run = interrupted.first, let id = run["id"] as? String else {
                // killed before the run was written, or after it ended: nothing to resume
                let done = try await bench.runs("done").count
                if done != completed + 1 {
                    // it never started: run it, as its user would
                    let again = try await bench.onboard(bench.flowArguments)
                    #expect(again.status == 0, "\(again)")
                }
                completed += 1
                continue
            }
            #expect(interrupted.count == 1)
            resumedFrom.append(run["steps"] as? Int ?? -1)
            let resumed = try await bench.onboard(["runs", "resume", id])
            #expect(resumed.status == 0, "moment \(i): \(resumed)")
            #expect(resumed.stdout.contains("Kelly Smith's onboarding is done."), "moment \(i): \(resumed)")
            let after = try await bench.runs().first { $0["id"] as? String == id }
            #expect(after?["status"] as? String == "done")
            completed += 1
        }
        // the kills fell all over the flow, not at one place
        #expect(Set(resumedFrom).count >= 5, "resumed from steps \(resumedFrom)")
        #expect(try await bench.runs().allSatisfy { $0["status"] as? String == "done" })
        try await bench.expectOneOfEachPerRun(completed, "after 20 kills")
    }

    @Test("a lost response on each POST of the seed flow in turn: the run ends done, one of each per run")
    func lostResponseOnEachPost() async throws {
        let bench = try Bench(latency: "1ms")
        defer { _ = bench.server.stop(SIGTERM) }
        let posts = ["/workflow_sessions", "/verifications/identity_documents", "/signature_requests",
                     "/signature_requests/*/documents", "/signature_requests/*/signers",
                     "/signature_requests/*/documents/*/fields", "/signature_requests/*/activate"]
        for (i, path) in posts.enumerated() {
            let fault = try await HTTP.send(port: bench.server.port, "POST", "/_emulator/faults",
                                            json: #"{"method":"POST","path":"\#(path)","drop":true}"#)
            #expect(fault.status == 201, "\(fault)")
            let run = try await bench.onboard(bench.flowArguments)
            #expect(run.status == 0, "\(path): \(run)")
            #expect(run.stdout.contains("Kelly Smith's onboarding is done."), "\(path): \(run)")
            // the fault was used up: the request reached the server and its answer was lost
            let left = try await HTTP.send(port: bench.server.port, "GET", "/_emulator/faults")
            #expect(!left.body.contains("\"drop\""), "\(path): \(left.body)")
            try await bench.expectOneOfEachPerRun(i + 1, "lost response of POST \(path)")
        }
    }

    @Test("runs list, show, cancel and prune; a failed run says how to resume it")
    func listShowCancelPrune() async throws {
        let folder = try TempFolder(text: ["flow.lua": "print('hello')\nlocal t = yousign.workflow_templates.list()\nprint(#t.data)\nerror('stop here')\n"])
        let env = ["ONBOARD_RUNS": folder.url.appendingPathComponent("runs.sqlite").path]
        let failed = try await CLI.onboardAsync(["run", "flow.lua"], in: folder.url, environment: env)
        #expect(failed.status == 1)
        let id = try #require(failed.stderr.firstMatch(of: /run (run_[0-9A-Z]{26}) failed; fix the flow, then resume it with: onboard runs resume (run_[0-9A-Z]{26})[^\n]*\n/))
        #expect(id.1 == id.2)
        let runID = String(id.1)

        let table = try await CLI.onboardAsync(["runs", "list"], in: folder.url, environment: env)
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("ID ") == true && lines.first?.contains("LAST ACTIVITY") == true, "\(table)")
        #expect(lines.count == 2 && lines[1].contains(runID) && lines[1].contains("flow.lua") && lines[1].contains("failed"), "\(table)")

        let json = try await CLI.onboardAsync(["runs", "list", "--json", "--status", "failed"], in: folder.url, environment: env)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["id"] as? String == runID && object["flow"] as? String == "flow.lua" && object["status"] as? String == "failed")
        #expect((object["steps"] as? Int ?? 0) >= 2)
        #expect(try await CLI.onboardAsync(["runs", "list", "--status", "done"], in: folder.url, environment: env).stdout.hasPrefix("no done runs"))

        let show = try await CLI.onboardAsync(["runs", "show", runID], in: folder.url, environment: env)
        #expect(show.status == 0)
        for needle in ["run      \(runID)", "status   failed (exit 1)", "GET /v3/workflow_templates", "output (", "hello\n", "error\n", "stop here"] {
            #expect(show.stdout.contains(needle), "show lacks \(needle)\n\(show)")
        }
        let showJSON = try await CLI.onboardAsync(["runs", "show", runID, "--json"], in: folder.url, environment: env)
        let shown = try #require(try JSONSerialization.jsonObject(with: Data(showJSON.stdout.utf8)) as? [String: Any])
        let journal = try #require(shown["journal"] as? [[String: Any]])
        #expect(journal.contains { $0["key"] as? String == "GET /v3/workflow_templates" && $0["result"] is [String: Any] })
        #expect(shown["output"] as? String == "hello\n2\n" || (shown["output"] as? String)?.hasPrefix("hello\n") == true)

        let missing = try await CLI.onboardAsync(["runs", "show", "run_00000000000000000000000000"], in: folder.url, environment: env)
        #expect(missing.status == 1 && missing.stderr.contains("no run run_00000000000000000000000000"))
        let bad = try await CLI.onboardAsync(["runs", "resume", "42"], in: folder.url, environment: env)
        #expect(bad.status == 2 && bad.stderr.contains("'42' is not a run id"))

        let cancel = try await CLI.onboardAsync(["runs", "cancel", runID], in: folder.url, environment: env)
        #expect(cancel.status == 0 && cancel.stdout.hasPrefix("cancelled \(runID)"), "\(cancel)")
        let again = try await CLI.onboardAsync(["runs", "resume", runID], in: folder.url, environment: env)
        #expect(again.status == 1 && again.stderr.contains("was cancelled"), "\(again)")
        let twice = try await CLI.onboardAsync(["runs", "cancel", runID], in: folder.url, environment: env)
        #expect(twice.status == 1 && twice.stderr.contains("already ended"))

        let keep = try await CLI.onboardAsync(["runs", "prune", "--older-than", "30d"], in: folder.url, environment: env)
        #expect(keep.stdout.hasPrefix("deleted 0 runs"), "\(keep)")
        let prune = try await CLI.onboardAsync(["runs", "prune", "--older-than", "0s"], in: folder.url, environment: env)
        #expect(prune.stdout.hasPrefix("deleted 1 run "), "\(prune)")
        #expect(try await CLI.onboardAsync(["runs", "list"], in: folder.url, environment: env).stdout.hasPrefix("no runs"))
        let wrong = try await CLI.onboardAsync(["runs", "prune", "--older-than", "soon"], in: folder.url, environment: env)
        #expect(wrong.status == 2 && wrong.stderr.contains("not a duration like 30d"))
    }

    @Test("an edited flow stops the resume naming the step and both sides, and the run is left as it was")
    func divergenceFromTheCommandLine() async throws {
        let bench = try Bench(latency: "1ms")
        defer { _ = bench.server.stop(SIGTERM) }
        let flow = "local t = yousign.workflow_templates.list()\nlocal s = yousign.workflow_sessions.create{ workflow_template_id = t.data[1].id, name = 'Kelly' }\nerror('stopped after ' .. s.status)\n"
        try Data(flow.utf8).write(to: bench.folder.url.appendingPathComponent("flow.lua"))
        let first = try await bench.onboard(["run", "--emulator", bench.url, "flow.lua"])
        #expect(first.status == 1)
        let id = try #require(try await bench.runs("failed").first?["id"] as? String)
        let edited = flow.replacingOccurrences(of: "local s = yousign", with: "yousign.workflow_sessions.list()\nlocal s = yousign")
        try Data(edited.utf8).write(to: bench.folder.url.appendingPathComponent("flow.lua"))
        let resumed = try await bench.onboard(["runs", "resume", id])
        #expect(resumed.status == 1)
        #expect(resumed.stderr.contains("flow.lua changed since \(id) started"), "\(resumed)")
        #expect(resumed.stderr.contains("the journal has POST /v3/workflow_sessions, the flow now asks GET /v3/workflow_sessions"), "\(resumed)")
        #expect(try await bench.runs("failed").first?["id"] as? String == id)
        #expect(try await bench.list("/workflow_sessions").count == 1)
        // put back, it resumes (and fails again at its own error, with no second session)
        try Data(flow.utf8).write(to: bench.folder.url.appendingPathComponent("flow.lua"))
        let back = try await bench.onboard(["runs", "resume", id])
        #expect(back.stderr.contains("stopped after awaiting"), "\(back)")
        #expect(try await bench.list("/workflow_sessions").count == 1)
    }

    @Test("a store that is not a database is refused with exit 2 and left as it is")
    func corruptStore() async throws {
        let folder = try TempFolder(text: ["runs.sqlite": String(repeating: "not a database ", count: 500)])
        let path = folder.url.appendingPathComponent("runs.sqlite").path
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        for arguments in [["run", "--ephemeral", "--runs", path, "-e", "print(1)"], ["runs", "list", "--runs", path]] {
            let r = try await CLI.onboardAsync(arguments, in: folder.url)
            #expect(r.status == 2, "\(r)")
            #expect(r.stderr.contains("the run store \(path) is not a readable SQLite database"), "\(r)")
            #expect(r.stdout.isEmpty)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }
}
