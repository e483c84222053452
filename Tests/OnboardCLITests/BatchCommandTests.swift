import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `onboard batch` end to end: rows as durable runs, skipped and resumed, bad input refused
/// before anything starts, kill -9 at several moments over 200 customers, two clients kept
/// apart on one `onboard serve`, and the rate limit held from the emulator's side.
@Suite(.serialized) struct BatchCommandTests {
    /// A folder with examples/ copied in and a run store of its own.
    final class Bench: @unchecked Sendable {
        let folder: TempFolder
        let store: String
        var url: URL { folder.url }

        init() throws {
            let folder = try TempFolder()
            try FileManager.default.copyItem(at: CLI.root.appendingPathComponent("examples"), to: folder.url.appendingPathComponent("examples"))
            self.folder = folder
            store = folder.url.appendingPathComponent("runs.sqlite").path
        }

        func write(_ name: String, _ text: String) throws {
            let file = url.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }

        func onboard(_ arguments: [String], environment: [String: String] = [:]) async throws -> CommandResult {
            try await CLI.onboardAsync(arguments, in: url, environment: ["ONBOARD_RUNS": store].merging(environment) { _, new in new })
        }

        /// The JSON lines of standard output.
        static func lines(_ text: String) -> [[String: Any]] {
            text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }

        func runs(_ extra: [String] = []) async throws -> [[String: Any]] {
            let r = try await onboard(["runs", "list", "--json"] + extra)
            #expect(r.status == 0, "\(r)")
            return Self.lines(r.stdout)
        }
    }

    static func customers(_ n: Int) -> String {
        "first_name,last_name,email\n" + (1...n).map { "Customer\($0),Number\($0),c\($0)@example.com\n" }.joined()
    }

    @Test("each row is a run with the row as its first argument; the same command again skips the rows done")
    func rowsAndSkips() async throws {
        let bench = try Bench()
        try bench.write("flow.lua", "local row = ...\nprint(row.first_name .. ' ' .. row.last_name, row.email)\n")
        try bench.write("c.csv", "first_name,last_name,email\nAda,Lovelace,ada@example.com\n\"Grace, RN\",Hopper,\"g\"\"h@example.com\"\nAlan,Turing,alan@example.com\n")
        let first = try await bench.onboard(["batch", "--state", "s.sqlite", "flow.lua", "--input", "c.csv", "--concurrency", "2"])
        #expect(first.status == 0, "\(first)")
        let lines = Bench.lines(first.stdout)
        #expect(lines.count == 4, "three rows and a summary: \(first.stdout)")
        let rows = lines.filter { $0["summary"] == nil }
        #expect(Set(rows.compactMap { $0["row"] as? Int }) == [1, 2, 3])
        #expect(rows.allSatisfy { $0["status"] as? String == "done" && ($0["run"] as? String)?.hasPrefix("run_") == true && $0["seconds"] is Double })
        let summary = try #require(lines.last)
        #expect(summary["summary"] as? Bool == true && summary["done"] as? Int == 3 && summary["failed"] as? Int == 0, "\(summary)")
        let batch = try #require(summary["batch"] as? String)
        #expect(first.stderr.contains("batch \(batch) started: flow.lua over 3 rows of c.csv, 2 at once"), "\(first)")
        #expect(!first.stdout.contains("\u{1B}"), "no escape codes off a terminal")

        // the rows' output is each run's own
        let listed = try await bench.runs(["--batch", batch])
        #expect(listed.count == 3)
        let grace = try #require(listed.first { $0["row"] as? Int == 2 }?["id"] as? String)
        let shown = try await bench.onboard(["runs", "show", grace, "--json"])
        let output = try #require((try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])?["output"] as? String)
        #expect(output == "Grace, RN Hopper\tg\"h@example.com\n")

        let again = try await bench.onboard(["batch", "--state", "s.sqlite", "flow.lua", "--input", "c.csv"])
        #expect(again.status == 0, "\(again)")
        let skipped = Bench.lines(again.stdout).filter { $0["summary"] == nil }
        #expect(skipped.count == 3 && skipped.allSatisfy { $0["skipped"] as? Bool == true }, "\(again.stdout)")
        #expect(again.stderr.contains("batch \(batch) goes on (3 of 3 done before)"), "\(again)")
        #expect(try await bench.runs(["--batch", batch]).count == 3, "no run was added")

        // a batch row is resumed with its batch, not on its own
        let alone = try await bench.onboard(["runs", "resume", grace])
        #expect(alone.status == 2 && alone.stderr.contains("go on with the batch instead: onboard batch --resume \(batch)"), "\(alone)")
    }

    @Test("a row the flow rejects fails that row only (exit 1, listed); --retry-failed runs it again")
    func failedRow() async throws {
        let bench = try Bench()
        try bench.write("flow.lua", "local row = ...\nif row.first_name == 'Alan' then error('no Alan today') end\nprint(row.first_name)\n")
        try bench.write("c.csv", "first_name\nAda\nAlan\nGrace\n")
        let r = try await bench.onboard(["batch", "--state", "s.sqlite", "flow.lua", "--input", "c.csv"])
        #expect(r.status == 1, "\(r)")
        let summary = try #require(Bench.lines(r.stdout).last)
        #expect(summary["done"] as? Int == 2 && summary["failed"] as? Int == 1, "\(summary)")
        let failed = try #require((summary["failed_rows"] as? [[String: Any]])?.first)
        #expect(failed["row"] as? Int == 2 && (failed["error"] as? String)?.hasPrefix("flow.lua:2: no Alan today") == true, "\(failed)")
        let batch = try #require(summary["batch"] as? String)
        #expect(r.stderr.contains("onboard batch --retry-failed \(batch)"), "\(r)")

        try bench.write("flow.lua", "local row = ...\nprint(row.first_name)\n")
        let retried = try await bench.onboard(["batch", "--retry-failed", batch])
        #expect(retried.status == 0, "\(retried)")
        let rows = Bench.lines(retried.stdout).filter { $0["summary"] == nil }
        #expect(rows.filter { $0["skipped"] == nil }.map { $0["row"] as? Int } == [2], "only the failed row ran: \(retried.stdout)")
        #expect(try await bench.runs(["--batch", batch]).allSatisfy { $0["status"] as? String == "done" })
    }

    @Test("bad input is a clear error naming the line and column, and nothing starts", arguments: [
        ("empty.csv", "", "empty.csv:1:1: the input is empty"),
        ("header.csv", "first_name,last_name\n", "header.csv:2:1: the input has a header (first_name,last_name) but no rows"),
        ("ragged.csv", "first_name,last_name\nAda,Lovelace\nAlan\n", "ragged.csv:3:"),
        ("quote.csv", "first_name\n\"Ada\n", "quote.csv:2:"),
        ("bad.jsonl", "{\"first_name\": \"Ada\"}\n[1, 2]\n", "bad.jsonl:2:"),
    ])
    func badInput(name: String, text: String, message: String) async throws {
        let bench = try Bench()
        try bench.write("flow.lua", "print((...).first_name)\n")
        try bench.write(name, text)
        let r = try await bench.onboard(["batch", "--state", "s.sqlite", "flow.lua", "--input", name])
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.contains("onboard: " + message), "\(r)")
        #expect(r.stderr.contains("(no row was started)"), "\(r)")
        #expect(try await bench.runs().isEmpty)
    }

    @Test("invalid UTF-8, a flow that does not compile, a missing client or its unset key: exit 2 before anything starts")
    func badSetup() async throws {
        let bench = try Bench()
        try bench.write("flow.lua", "print((...).first_name)\n")
        try bench.write("broken.lua", "local x = \n")
        try bench.write("c.csv", "first_name\nAda\n")
        try Data(Array("first_name\nAd".utf8) + [0xC3, 0x28] + Array("a\n".utf8)).write(to: bench.url.appendingPathComponent("latin.csv"))
        try bench.write("onboard.toml", "[clients.acme]\nephemeral = true\napi_key_env = \"ACME_KEY\"\n")
        let cases: [([String], String)] = [
            (["batch", "--state", "s.sqlite", "flow.lua", "--input", "latin.csv"], "latin.csv:2:3: "),
            (["batch", "--state", "s.sqlite", "broken.lua", "--input", "c.csv"], "broken.lua:2:"),
            (["batch", "--client", "globex", "flow.lua", "--input", "c.csv"], "no client 'globex' in onboard.toml (clients: acme)"),
            (["batch", "--client", "acme", "flow.lua", "--input", "c.csv"], "onboard.toml:3: client 'acme': api_key_env names ACME_KEY, which is not set"),
            (["batch", "--state", "s.sqlite", "flow.lua", "--input", "missing.csv"], "missing.csv"),
            (["batch", "--state", "s.sqlite", "flow.lua"], "--input FILE"),
            (["batch", "--state", "s.sqlite", "flow.lua", "--input", "c.csv", "--concurrency", "0"], "--concurrency must be between 1 and 256"),
        ]
        for (arguments, message) in cases {
            let r = try await bench.onboard(arguments, environment: ["ACME_KEY": ""])
            #expect(r.status == 2, "\(arguments): \(r)")
            #expect(r.stderr.contains(message), "\(arguments): \(r)")
        }
        #expect(try await bench.runs().isEmpty, "nothing was started")
        #expect(!FileManager.default.fileExists(atPath: bench.url.appendingPathComponent("s.sqlite").path), "the emulator was never opened")
    }

    @Test("a client whose backend a flag replaces is warned about once, and the batch runs where the flag says")
    func clientWithFlag() async throws {
        let bench = try Bench()
        try bench.write("flow.lua", "print((...).n, #yousign.workflow_templates.list().data)\n")
        try bench.write("c.csv", "n\n1\n")
        try bench.write("onboard.toml", "[clients.acme]\nephemeral = true\n")
        let r = try await bench.onboard(["batch", "--client", "acme", "--state", "s.sqlite", "flow.lua", "--input", "c.csv"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.components(separatedBy: "client 'acme' names a backend that the command line replaced").count == 2, "once: \(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: bench.url.appendingPathComponent("s.sqlite").path))
        #expect(try await bench.runs(["--client", "acme"]).count == 1)
    }

    @Test("--dry-run reads the input and compiles the flow, prints the plan, and calls nothing")
    func dryRun() async throws {
        let bench = try Bench()
        try bench.write("c.csv", Self.customers(5))
        let r = try await bench.onboard(["batch", "--dry-run", "--state", "s.sqlite", "--allow-read=examples/files", "examples/onboarding.lua",
                                         "--input", "c.csv", "--concurrency", "3"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("input:       c.csv (CSV): 5 rows, columns first_name, last_name, email"), "\(r)")
        #expect(r.stdout.contains("concurrency: 3 rows at once"), "\(r)")
        #expect(r.stdout.contains("flow:        examples/onboarding.lua (compiles)"), "\(r)")
        #expect(try await bench.runs().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: bench.url.appendingPathComponent("s.sqlite").path))
    }

    /// Every page of a list of the served emulator.
    static func all(_ port: Int, _ path: String, key: String = ServeCommandTests.key) async throws -> [[String: Any]] {
        var items: [[String: Any]] = [], cursor: String?
        repeat {
            let reply = try await HTTP.send(port: port, "GET", "/v3" + path + "?limit=100" + (cursor.map { "&after=\($0)" } ?? ""), key: key)
            let doc = try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any] ?? [:]
            items += doc["data"] as? [[String: Any]] ?? []
            cursor = (doc["meta"] as? [String: Any])?["next_cursor"] as? String
        } while cursor != nil
        return items
    }

    @Test("kill -9 of a batch over 200 customers at 5 moments, each followed by the same command: all 200 done, exactly 200 sessions and 200 signature requests")
    func killNineOverTwoHundred() async throws {
        try await withMachineToMyself { try await killNineOverTwoHundredAlone() }
    }

    func killNineOverTwoHundredAlone() async throws {
        let bench = try Bench()
        let server = try ServeProcess(["serve", "--ephemeral", "--port", "0"], in: bench.url)
        defer { _ = server.stop(SIGTERM) }
        try bench.write("customers.csv", Self.customers(200))
        let command = ["batch", "--emulator", "http://127.0.0.1:\(server.port)", "--allow-read=examples/files", "--concurrency", "4",
                       "examples/onboarding.lua", "--input", "customers.csv"]
        var killedAt: [Int] = []
        for target in [1, 40, 80, 120, 160] {
            // start the command and kill it once `target` rows of the batch are done
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = command
            process.currentDirectoryURL = bench.url
            process.environment = ProcessInfo.processInfo.environment.merging(["ONBOARD_RUNS": bench.store]) { _, new in new }
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let done = await onThread { () -> Int in
                var seen = 0, buffer = Data()
                while seen < target {
                    let chunk = out.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    buffer += chunk
                    // rows done, in this attempt or skipped as done before it
                    seen = String(decoding: buffer, as: UTF8.self).split(separator: "\n")
                        .filter { $0.contains("\"status\":\"done\"") && !$0.contains("\"summary\"") }.count
                }
                return seen
            }
            let running = process.isRunning
            kill(process.processIdentifier, SIGKILL)
            await onThread { process.waitUntilExit() }
            #expect(running && done < 200, "killed while rows were running: \(done) done")
            killedAt.append(done)
        }
        #expect(killedAt == killedAt.sorted() && killedAt.first ?? 0 >= 1, "\(killedAt)")
        let last = try await bench.onboard(command)
        #expect(last.status == 0, "\(last.stderr.suffix(2000))")
        let summary = try #require(Bench.lines(last.stdout).last)
        #expect(summary["done"] as? Int == 200, "\(summary)")
        let resumed = try await bench.runs().filter { ($0["attempts"] as? Int ?? 1) > 1 }
        #expect(!resumed.isEmpty, "some rows were taken over after a kill")

        let sessions = try await Self.all(server.port, "/workflow_sessions")
        let requests = try await Self.all(server.port, "/signature_requests")
        #expect(sessions.count == 200, "\(sessions.count) sessions")
        #expect(requests.count == 200, "\(requests.count) signature requests")
        let names = Set(sessions.compactMap { $0["name"] as? String })
        #expect(names == Set((1...200).map { "Onboarding of Customer\($0) Number\($0)" }), "one session per customer, none missing")
        #expect(requests.allSatisfy { $0["status"] as? String == "done" }, "every contract signed")
    }

    @Test("two clients with two keys on one onboard serve: each client's runs use its own key and grants only")
    func twoClientsApart() async throws {
        let bench = try Bench()
        let (acmeKey, betaKey) = ("sk_acme_\(UUID().uuidString.prefix(8))", "sk_beta_\(UUID().uuidString.prefix(8))")
        let server = try ServeProcess(["serve", "--ephemeral", "--port", "0", "--api-key", acmeKey, "--api-key", betaKey], in: bench.url)
        defer { _ = server.stop(SIGTERM) }
        let pdf = try Data(contentsOf: CLI.root.appendingPathComponent("examples/files/verified_id_document_verification.pdf"))
        for client in ["acme", "beta"] {
            try FileManager.default.createDirectory(at: bench.url.appendingPathComponent("\(client)/files"), withIntermediateDirectories: true)
            try pdf.write(to: bench.url.appendingPathComponent("\(client)/files/verified_id_document_verification.pdf"))
        }
        try bench.write("onboard.toml", """
            [clients.acme]
            emulator = "http://127.0.0.1:\(server.port)"
            api_key_env = "ACME_KEY"
            allow_read = ["acme/files"]
            allow_env = ["ACME_*", "SHARED_NOTE"]

            [clients.beta]
            emulator = "http://127.0.0.1:\(server.port)"
            api_key_env = "BETA_KEY"
            allow_read = ["beta/files"]
            """)
        try bench.write("probe.lua", """
            local row = ...
            local function try(f) local ok, e = pcall(f) return ok, tostring(e) end
            local doc = function(client)
              return function() return yousign.verifications.identity_documents.create{
                file = client .. "/files/verified_id_document_verification.pdf", first_name = "Kelly", last_name = "Smith" } end
            end
            local own = try(doc(row.own))
            assert(own, "its own file uploads")
            local other, why = try(doc(row.other))
            assert(not other and why:find("not granted", 1, true), "the other client's file is not granted: " .. why)
            for _, name in ipairs{ "ACME_KEY", "BETA_KEY" } do
              local ok, value = pcall(env.get, name)
              assert(not ok or value == nil, name .. " was readable")
            end
            print("apart")
            """)
        try bench.write("acme.csv", "own,other\nacme,beta\nacme,beta\n")
        try bench.write("beta.csv", "own,other\nbeta,acme\n")
        let env = ["ACME_KEY": acmeKey, "BETA_KEY": betaKey]
        let acme = try await bench.onboard(["batch", "--client", "acme", "probe.lua", "--input", "acme.csv"], environment: env)
        #expect(acme.status == 0, "\(acme)")
        let traffic = { (key: String) async throws -> Int in
            let reply = try await HTTP.send(port: server.port, "GET", "/_emulator/traffic", key: key)
            let doc = try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any] ?? [:]
            return (doc["data"] as? [[String: Any]] ?? []).reduce(0) { $0 + ($1["allowed"] as? Int ?? 0) }
        }
        let acmeSent = try await traffic(acmeKey)
        #expect(acmeSent == 2, "acme's two rows sent one request each, with acme's key")
        #expect(try await traffic(betaKey) == 0, "nothing went out with beta's key")
        let beta = try await bench.onboard(["batch", "--client", "beta", "probe.lua", "--input", "beta.csv"], environment: env)
        #expect(beta.status == 0, "\(beta)")
        let betaSent = try await traffic(betaKey)
        let acmeAfter = try await traffic(acmeKey)
        #expect(betaSent == 1 && acmeAfter == acmeSent)
        #expect(try await bench.runs(["--client", "acme"]).count == 2)
        #expect(try await bench.runs(["--client", "beta"]).count == 1)
        for r in [acme, beta] { #expect(!r.stdout.contains(acmeKey) && !r.stderr.contains(acmeKey) && !r.stderr.contains(betaKey)) }
    }

    @Test("against serve --rate-limits 20/s: no 429 reaches a flow, and the key is kept at 95 % of its limit or more")
    func rateLimitHeld() async throws {
        try await withMachineToMyself { try await rateLimitHeldAlone() }
    }

    func rateLimitHeldAlone() async throws {
        let bench = try Bench()
        let server = try ServeProcess(["serve", "--ephemeral", "--port", "0", "--rate-limits", "20/s"], in: bench.url)
        defer { _ = server.stop(SIGTERM) }
        try bench.write("customers.csv", Self.customers(40))  // ~25 s: the last second, when few rows remain, weighs little
        let r = try await bench.onboard(["batch", "--emulator", "http://127.0.0.1:\(server.port)", "--allow-read=examples/files",
                                         "--concurrency", "12", "examples/onboarding.lua", "--input", "customers.csv"])
        #expect(r.status == 0, "every row done, so no flow saw a 429: \(r.stderr.suffix(1500))")
        let reply = try await HTTP.send(port: server.port, "GET", "/_emulator/traffic")
        let doc = try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any] ?? [:]
        #expect(doc["limits"] as? String == "20/s")
        let seconds = (doc["data"] as? [[String: Any]] ?? []).sorted { ($0["second"] as? Int ?? 0) < ($1["second"] as? Int ?? 0) }
        // the full seconds: all but the first and the last, which the batch only partly covers
        let full = Array(seconds.dropFirst().dropLast())
        #expect(full.count >= 3, "the batch lasted three full windows or more: \(seconds)")
        let allowed = full.reduce(0) { $0 + ($1["allowed"] as? Int ?? 0) }
        let used = Double(allowed) / Double(20 * max(1, full.count))
        let limited = seconds.reduce(0) { $0 + ($1["limited"] as? Int ?? 0) }
        #expect(used >= 0.95, "used \(Int(used * 100)) % of 20/s over \(full.count) s: \(full)")
        #expect(limited <= 2, "the emulator answered \(limited) 429s (each retried by the client)")
    }

    @Test("Ctrl-C stops taking rows, lets the running ones stop at their next step, says how to resume; --resume ID finishes the batch")
    func ctrlC() async throws {
        let bench = try Bench()
        let server = try ServeProcess(["serve", "--ephemeral", "--port", "0", "--latency", "100ms"], in: bench.url)
        defer { _ = server.stop(SIGTERM) }
        try bench.write("slow.lua", "local row = ...\nfor i = 1, 5 do yousign.workflow_templates.list() end\nprint(row.n)\n")
        try bench.write("rows.csv", "n\n" + (1...20).map { "\($0)\n" }.joined())
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["batch", "--emulator", "http://127.0.0.1:\(server.port)", "--concurrency", "2", "slow.lua", "--input", "rows.csv"]
        process.currentDirectoryURL = bench.url
        process.environment = ProcessInfo.processInfo.environment.merging(["ONBOARD_RUNS": bench.store]) { _, new in new }
        let out = Pipe(), err = Pipe()
        (process.standardOutput, process.standardError, process.standardInput) = (out, err, FileHandle.nullDevice)
        try process.run()
        let stdout = await onThread { () -> String in
            var text = ""
            while text.split(separator: "\n").count < 2 {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            kill(process.processIdentifier, SIGINT)
            return text + String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        let stderr = await onThread { String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
        await onThread { process.waitUntilExit() }
        #expect(process.terminationStatus == 130, "\(stderr)")
        #expect(stderr.contains("stopping: no new row starts; the running ones stop at their next step"), "\(stderr)")
        let summary = try #require(Bench.lines(stdout).last)
        let batch = try #require(summary["batch"] as? String)
        #expect(summary["stopped"] as? Bool == true && (summary["not_started"] as? Int ?? 0) > 0, "\(summary)")
        #expect(stderr.contains("batch \(batch) interrupted: "), "\(stderr)")
        #expect(stderr.contains("resume it with: onboard batch --resume \(batch)"), "\(stderr)")
        let runs = try await bench.runs(["--batch", batch])
        #expect(runs.count < 20 && runs.allSatisfy { ["done", "interrupted"].contains($0["status"] as? String ?? "") }, "\(runs)")

        let resumed = try await bench.onboard(["batch", "--resume", batch])
        #expect(resumed.status == 0, "\(resumed)")
        let after = try await bench.runs(["--batch", batch])
        #expect(after.count == 20 && after.allSatisfy { $0["status"] as? String == "done" })
        for run in after where runs.contains(where: { $0["id"] as? String == run["id"] as? String && $0["status"] as? String == "interrupted" }) {
            #expect(run["attempts"] as? Int == 2, "an interrupted row was resumed, not started again: \(run)")
        }
    }

    @Test("on a terminal: one live line redrawn at most 10 times a second, then a summary table; no JSON")
    func liveLine() async throws {
        let bench = try Bench()
        let server = try ServeProcess(["serve", "--ephemeral", "--port", "0", "--latency", "50ms"], in: bench.url)
        defer { _ = server.stop(SIGTERM) }
        try bench.write("slow.lua", "local row = ...\nfor i = 1, 4 do yousign.workflow_templates.list() end\n")
        try bench.write("rows.csv", "n\n" + (1...12).map { "\($0)\n" }.joined())
        let started = Date()
        let tty = try PseudoTerminal(["batch", "--emulator", "http://127.0.0.1:\(server.port)", "--concurrency", "2", "slow.lua", "--input", "rows.csv"],
                                     in: bench.url, environment: ["ONBOARD_RUNS": bench.store])
        #expect(await tty.waitForExit(timeout: 60) == 0, "\(tty.screen)")
        let elapsed = Date().timeIntervalSince(started)
        let redraws = tty.raw.components(separatedBy: "\r\u{1B}[2K").count - 1
        #expect(redraws >= 2 && Double(redraws) <= elapsed * 10 + 2, "\(redraws) redraws in \(elapsed) s")
        #expect(tty.raw.contains("queued") && tty.raw.contains("rows/s") && tty.raw.contains("ETA"), "\(tty.raw)")
        #expect(tty.screen.contains("batch batch_") && tty.screen.contains(": 12 rows in "), "\(tty.screen)")
        #expect(tty.screen.contains("  done        12\n") || tty.screen.contains("  done        12\r\n"), "\(tty.screen)")
        #expect(tty.screen.contains("429s        0") && tty.screen.contains("slowest rows:"), "\(tty.screen)")
        #expect(!tty.screen.contains("{\"row\""), "no JSON lines on a terminal")
    }
}

/// Tests that load the machine (a 100 MB file, a batch measured against the wall clock) hold this
/// lock, shared by every test target of the suite through a file, so that none of them measures
/// the others' load.
func withMachineToMyself<T>(_ body: () async throws -> T) async rethrows -> T {
    let fd = open(FileManager.default.temporaryDirectory.appendingPathComponent("onboard-tests-heavy.lock").path, O_CREAT | O_RDWR, 0o644)
    await onLockThread { _ = flock(fd, LOCK_EX) }
    defer { flock(fd, LOCK_UN); close(fd) }
    return try await body()
}

/// flock blocks: never on one of Swift's cooperative threads.
private func onLockThread(_ body: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
        let t = Thread { body(); c.resume() }
        t.start()
    }
}
