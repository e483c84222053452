import Foundation
import OnboardRuns
import Testing
import YousignWire

/// `onboard worker` as a user runs it: webhooks over HTTP, parked runs, kill -9, SIGTERM.
@Suite("onboard worker", .serialized) struct WorkerCommandTests {
    static let env = ["ACME_WEBHOOK_SECRET": Webhook.secret]

    static func subscribe(serve: ServeProcess, to url: String) async throws {
        let reply = try await HTTP.send(port: serve.port, "POST", "/v3/webhooks", json: """
            {"endpoint": "\(url)", "description": "worker", "sandbox": true, "subscribed_events": ["*"], "scopes": ["*"],
             "auto_retry": true, "enabled": true, "secret_key": "\(Webhook.secret)"}
            """)
        #expect(reply.status == 201, "\(reply.body)")
    }

    static func sign(serve: ServeProcess, _ sr: String) async throws {
        let got = try await HTTP.send(port: serve.port, "GET", "/v3/signature_requests/\(sr)")
        let signer = try #require((try JSONSerialization.jsonObject(with: Data(got.body.utf8)) as? [String: Any])
            .flatMap { ($0["signers"] as? [[String: Any]])?.first?["id"] as? String })
        let signed = try await HTTP.send(port: serve.port, "POST", "/_emulator/signature_requests/\(sr)/signers/\(signer)/sign")
        #expect(signed.status == 200, "\(signed.body)")
    }

    static func count(serve: ServeProcess, _ path: String) async throws -> Int {
        let reply = try await HTTP.send(port: serve.port, "GET", "/v3\(path)?limit=100")
        let list = try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any]
        return (list?["data"] as? [Any])?.count ?? -1
    }

    @Test("the seed flow with yousign.wait_for_event: parked with no process while it waits, done within a second of the webhook")
    func seedFlowParksAndWakes() async throws {
        try await withMachineToMyself {
            let folder = try TempFolder()
            let server = try ServeProcess(["serve", "--ephemeral", "--port", "0"], in: folder.url)
            let toml = folder.url.appendingPathComponent("onboard.toml")
            try Data("""
                [clients.acme]
                emulator = "http://127.0.0.1:\(server.port)"
                allow_read = ["\(CLI.root.path)/examples/files"]
                webhook_secret_env = "ACME_WEBHOOK_SECRET"
                """.utf8).write(to: toml)
            let runs = folder.url.appendingPathComponent("runs.sqlite").path
            let worker = try WorkerDaemon(["--config", toml.path, "--runs", runs, "--listen", "127.0.0.1:0", "--concurrency", "1"],
                                          in: folder.url, environment: Self.env)
            try await Self.subscribe(serve: server, to: worker.url + "/webhooks/yousign/acme")
            let detached = try await CLI.onboardAsync(["run", "--config", toml.path, "--client", "acme", "--detach", "--runs", runs,
                                                        CLI.root.path + "/examples/onboarding_worker.lua", "Kelly", "Smith"],
                                                       in: folder.url, environment: Self.env)
            #expect(detached.status == 0, "\(detached)")
            let id = detached.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(detached.stderr.contains("\(id) is queued for `onboard worker` (client acme)"))
            let store = try RunStore.open(path: runs)
            #expect(await eventually(60) { try store.run(id)?.wake?.event == "signature_request.done" }, "\(worker.log)")
            let parked = try #require(try store.run(id))
            #expect(parked.effectiveStatus() == .waiting && parked.lease == nil)
            // the run holds no process while it waits (the pool's one worker went with the park)
            let pid = worker.pid
            #expect(await eventually(5) { sandboxChildren(of: pid).isEmpty }, "sandbox processes: \(sandboxChildren(of: worker.pid))")
            let sr = try #require(parked.wake?.object)
            let shown = try await CLI.onboardAsync(["runs", "show", id, "--runs", runs], in: folder.url)
            #expect(shown.stdout.contains("status   waiting") && shown.stdout.contains("parked   until signature_request.done on \(sr), or ")
                    && shown.stdout.contains("client   acme (handed to onboard worker with --detach)"), "\(shown)")
            let resumed = try await CLI.onboardAsync(["runs", "resume", id, "--runs", runs], in: folder.url)
            #expect(resumed.status == 2 && resumed.stderr.contains("is a run of `onboard worker` (client acme); the worker resumes it"), "\(resumed)")
            try await Self.sign(serve: server, sr)
            #expect(await eventually(20) { try store.run(id)?.status == .done }, "\(worker.log)")
            let done = try #require(try store.run(id))
            let event = try #require(try store.events(client: "acme").first { $0.name == "signature_request.done" })
            let latency = try #require(done.endedAt) - event.receivedAt
            #expect(latency >= 0 && latency < 1.0, "from the webhook's receipt to done: \(latency) s")
            let output = String(decoding: done.output, as: UTF8.self)
            #expect(output.contains("Kelly signed (webhook \(event.eventID))") && output.hasSuffix("Kelly Smith's onboarding is done.\n"), "\(output)")
            #expect(try await Self.count(serve: server, "/signature_requests") == 1)
            let stopped = worker.stop(SIGTERM)
            #expect(stopped.status == 0, "\(worker.log)")
        }
    }

    @Test("webhooks: a bad or missing signature, a body over 1 MiB, a client that does not exist, a body that is no event are refused and nothing runs; a replay is acknowledged and not run twice")
    func webhookRefusals() async throws {
        let folder = try workerFolder("ephemeral = true\n[[clients.acme.on]]\nevent = \"signature_request.done\"\nflow = \"archive.lua\"\n",
                                      flows: ["archive.lua": "local e = ...\nprint('archived ' .. e.data.signature_request.id)\n"])
        let runs = folder.url.appendingPathComponent("runs.sqlite").path
        let worker = try WorkerDaemon(["--runs", runs, "--listen", "127.0.0.1:0", "--no-worker"], in: folder.url, environment: Self.env)
        #expect(try await Webhook.get(port: worker.port, "/healthz").0 == 200)
        let body = Webhook.event("signature_request.done", id: "evt-1")
        #expect(try await Webhook.post(port: worker.port, client: "acme", body: body, signature: Webhook.sign(body, secret: "another-secret-of-32-characters!")).0 == 401)
        #expect(try await Webhook.post(port: worker.port, client: "acme", body: body, signature: nil).0 == 401)
        #expect(try await Webhook.post(port: worker.port, client: "acme", body: body, signature: "sha256=00").0 == 401)
        #expect(try await Webhook.post(port: worker.port, client: "nobody", body: body, signature: Webhook.sign(body)).0 == 404)
        let big = Array(repeating: UInt8(ascii: " "), count: 10 << 20)
        #expect(try await Webhook.post(port: worker.port, client: "acme", body: big, signature: Webhook.sign(big)).0 == 413)
        let notEvent = Array(#"{"hello":"world"}"#.utf8)
        #expect(try await Webhook.post(port: worker.port, client: "acme", body: notEvent, signature: Webhook.sign(notEvent)).0 == 400)
        let store = try RunStore.open(path: runs)
        try await Task.sleep(for: .milliseconds(500))
        #expect(try store.runs().isEmpty && store.events(client: "acme").isEmpty, "nothing stored, nothing runs")

        let first = try await Webhook.post(port: worker.port, client: "acme", body: body, signature: Webhook.sign(body))
        #expect(first.0 == 200 && first.1.contains("\"stored\""), "\(first)")
        let replay = try await Webhook.post(port: worker.port, client: "acme", body: body, signature: Webhook.sign(body))
        #expect(replay.0 == 200 && replay.1.contains("\"duplicate\""), "\(replay)")
        #expect(await eventually(20) { try store.runs(status: .done).count == 1 }, "\(worker.log)")
        try await Task.sleep(for: .milliseconds(500))
        let all = try store.runs()
        #expect(all.count == 1 && all[0].origin == "event:acme:evt-1:0" && all[0].client == "acme")
        #expect(String(decoding: try #require(try store.run(all[0].id)).output, as: UTF8.self) == "archived sr-1\n")

        let metrics = try await Webhook.get(port: worker.port, "/metrics")
        #expect(metrics.0 == 200)
        for line in [#"onboard_webhooks_total{client="acme",result="stored"} 1"#, #"onboard_webhooks_total{client="acme",result="duplicate"} 1"#,
                     #"onboard_webhooks_total{client="acme",result="rejected_401"} 3"#, #"onboard_runs{client="acme",status="done"} 1"#,
                     #"onboard_events_processed_total{client="acme"} 1"#] {
            #expect(metrics.1.contains(line), "\(line) in:\n\(metrics.1)")
        }
        #expect(!metrics.1.contains(Webhook.secret))

        // a second worker on the same store is refused, saying who holds it
        let second = try await CLI.onboardAsync(["worker", "--runs", runs, "--listen", "127.0.0.1:0"], in: folder.url, environment: Self.env)
        #expect(second.status == 1 && second.stderr.contains("another onboard worker (pid \(worker.pid) on ") && second.stderr.contains("is using the run store \(runs)"), "\(second)")
        #expect(worker.stop(SIGINT).status == 0)
        #expect(!worker.log.contains(Webhook.secret))
    }

    @Test("a burst of 200 signed webhooks at once: each answered, stored and run once")
    func burst() async throws {
        try await withMachineToMyself {
            let folder = try workerFolder("ephemeral = true\n[[clients.acme.on]]\nevent = \"signature_request.done\"\nflow = \"burst.lua\"\n",
                                          flows: ["burst.lua": "local e = ...\nprint(e.event_id)\n"])
            let runs = folder.url.appendingPathComponent("runs.sqlite").path
            let worker = try WorkerDaemon(["--runs", runs, "--listen", "127.0.0.1:0", "--concurrency", "4"], in: folder.url, environment: Self.env)
            let ids = (1...200).map { "evt-\($0)" }
            let port = worker.port
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for chunk in stride(from: 0, to: ids.count, by: 25).map({ Array(ids[$0..<min($0 + 25, ids.count)]) }) {
                    group.addTask {
                        var codes: [Int] = []
                        for id in chunk {
                            let body = Webhook.event("signature_request.done", id: id, object: "sr-\(id)")
                            codes.append(try await Webhook.post(port: port, client: "acme", body: body, signature: Webhook.sign(body)).0)
                        }
                        return codes.filter { $0 == 200 }.count
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(statuses == 200)
            let store = try RunStore.open(path: runs)
            #expect(await eventually(120) { try store.runs(status: .done).count == 200 && store.pendingEventCount() == 0 }, "\(worker.log.suffix(2000))")
            let all = try store.runs()
            #expect(all.count == 200 && Set(all.compactMap(\.origin)) == Set(ids.map { "event:acme:\($0):0" }))
            #expect(try store.events(client: "acme").count == 200)
            #expect(worker.stop(SIGTERM).status == 0)
        }
    }

    @Test("examples/onboarding_worker.lua also runs alone (onboard run): no webhook comes, so wait_for_event polls")
    func theWorkerExampleRunsAlone() async throws {
        let alone = try await CLI.onboardAsync(["run", "--ephemeral", "--allow-read=examples/files", "examples/onboarding_worker.lua"],
                                               environment: ["ONBOARD_PROFILE": ""])
        #expect(alone.status == 0, "\(alone)")
        #expect(alone.stdout.hasSuffix("Kelly signed (seen by polling)\nKelly Smith's onboarding is done.\n"), "\(alone.stdout)")
    }

    @Test("a worker that cannot start says why and exits 2", arguments: [
        (["--config", "missing.toml"], "missing.toml: no such file"),
        (["--listen", "8700"], "--listen must be host:port"),
        (["--shutdown-timeout", "soon"], "--shutdown-timeout: 'soon' is not a duration"),
    ])
    func usage(_ arguments: [String], _ message: String) async throws {
        let folder = try workerFolder("ephemeral = true\n", flows: [:])
        let result = try await CLI.onboardAsync(["worker"] + arguments, in: folder.url, environment: Self.env)
        #expect(result.status == 2 && result.stderr.contains(message), "\(result)")
    }

    @Test("a client whose webhook secret variable is unset, or a file with no client, stops the worker before it serves")
    func configurationErrors() async throws {
        let folder = try workerFolder("ephemeral = true\n", flows: [:])
        let unset = try await CLI.onboardAsync(["worker", "--listen", "127.0.0.1:0"], in: folder.url, environment: ["ACME_WEBHOOK_SECRET": ""])
        #expect(unset.status == 2 && unset.stderr.contains("onboard.toml:2: client 'acme': webhook_secret_env names ACME_WEBHOOK_SECRET, which is not set"), "\(unset)")
        let empty = try TempFolder(text: ["onboard.toml": "profile = \"x\"\n[profiles.x]\nephemeral = true\n"])
        let none = try await CLI.onboardAsync(["worker", "--listen", "127.0.0.1:0"], in: empty.url, environment: Self.env)
        #expect(none.status == 2 && none.stderr.contains("onboard.toml has no [clients.NAME] table"), "\(none)")
    }
}
