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

        /// Starts the seed flow and kills it with SIGKILL once its journal has `step` steps (or
        /// after `delay` seconds, for step 0), if it still runs.
        func killed(atStep step: Int, delay: Double = 0) async throws {
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = flowArguments
            process.currentDirectoryURL = folder.url
            process.environment = ProcessInfo.processInfo.environment.merging(env) { _, new in new }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            let known = Set(try await runs().compactMap { $0["id"] as? String })
            try process.run()
            if step == 0 { try await Task.sleep(for: .milliseconds(Int(delay * 1000))) }
            while step > 0 && process.isRunning {
                let mine = try await runs().first { !known.contains($0["id"] as? String ?? "") }
                if (mine?["steps"] as? Int ?? 0) >= step { break }
            }
            kill(process.processIdentifier, SIGKILL)
            await onThread { process.waitUntilExit() }
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

    @Test("kill -9 at 20 moments spread over the seed flow (against serve --latency 20ms), then runs resume: every run done, one of each per run")
    func killNineAtTwentyMoments() async throws {
        let bench = try Bench(latency: "20ms")
        defer { _ = bench.server.stop(SIGTERM) }
        // how long the whole flow takes here, against 20 ms of latency a request (its own time,
        // not its wait for a turn among the other tests' runs)
        let (whole, measured) = try await CLI.onboardTimed(bench.flowArguments, in: bench.folder.url, environment: bench.env)
        #expect(whole.status == 0, "\(whole)")
        let steps = try #require(try await bench.runs().first?["steps"] as? Int)
        var completed = 1
        var resumedFrom: [Int] = []
        var openIntents = 0
        for i in 1...20 {
            // two kills by time (the first moments: before the first step is written), then one
            // at each step of the journal in turn
            try await bench.killed(atStep: i <= 2 ? 0 : (i - 2) * steps / 18, delay: min(measured, 2) * Double(i) / 10)
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
            // killed between a request's intent and its answer: the resume must reconcile it
            let shown = try await bench.onboard(["runs", "show", id, "--json"])
            let journal = (try? JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])?["journal"] as? [[String: Any]]
            if journal?.last?["state"] as? String == "intent" { openIntents += 1 }
            let resumed = try await bench.onboard(["runs", "resume", id])
            #expect(resumed.status == 0, "moment \(i): \(resumed)")
            #expect(resumed.stdout.contains("Kelly Smith's onboarding is done."), "moment \(i): \(resumed)")
            let after = try await bench.runs().first { $0["id"] as? String == id }
            #expect(after?["status"] as? String == "done")
            completed += 1
        }
        // the kills fell all over the flow, not at one place
        // (a loaded machine polls the journal less often, so kills bunch up a little)
        #expect(Set(resumedFrom).count >= 5, "resumed from steps \(resumedFrom)")
        print("kill -9: \(resumedFrom.count) runs resumed, from journal steps \(resumedFrom), \(openIntents) with a request sent and not answered")
        #expect(openIntents >= 3, "kills with a request in flight: \(openIntents)")
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

    @Test("SIGTERM during a wait marks the run interrupted and says how to resume it; resume --all finishes it, the wait's deadline kept")
    func sigtermDuringAWait() async throws {
        let bench = try Bench(latency: "1ms")
        defer { _ = bench.server.stop(SIGTERM) }
        let flow = """
            local t = yousign.workflow_templates.list()
            local s = yousign.workflow_sessions.create{ workflow_template_id = t.data[1].id, name = "Kelly Smith" }
            local deadline = os.time() + 3
            yousign.wait(function() return yousign.workflow_sessions.get(s.id) end,
                         function() return os.time() >= deadline end, { interval = "1s", max_interval = "1s", timeout = "1m" })
            print("waited for", s.id)
            """
        try Data(flow.utf8).write(to: bench.folder.url.appendingPathComponent("flow.lua"))
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["run", "--emulator", bench.url, "flow.lua"]
        process.currentDirectoryURL = bench.folder.url
        process.environment = ProcessInfo.processInfo.environment.merging(bench.env) { _, new in new }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // the run shows as waiting while it waits
        var waiting = false
        for _ in 0..<100 where !waiting {
            try await Task.sleep(for: .milliseconds(100))
            waiting = try await bench.runs("waiting").count == 1
        }
        #expect(waiting)
        kill(process.processIdentifier, SIGTERM)
        await onThread { process.waitUntilExit() }
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 143, "\(stderr)")
        #expect(stderr.contains("terminated (SIGTERM)"), "\(stderr)")
        #expect(CommandResult(status: 143, stdout: "", stderr: stderr).hasResumeLine, "\(stderr)")
        #expect(try await bench.runs("interrupted").count == 1)

        let resumed = try await bench.onboard(["runs", "resume", "--all"])
        #expect(resumed.status == 0, "\(resumed)")
        let session = try #require(try await bench.list("/workflow_sessions").first?["id"] as? String)
        #expect(resumed.stdout == "waited for\t\(session)\n", "\(resumed)")
        #expect(try await bench.list("/workflow_sessions").count == 1)
        #expect(try await bench.runs("done").count == 1)
        // nothing of the key in the store's files
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: bench.store + suffix))) ?? Data()
            #expect(bytes.range(of: Data(ServeCommandTests.key.utf8)) == nil, "the key is in runs.sqlite\(suffix)")
        }
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
