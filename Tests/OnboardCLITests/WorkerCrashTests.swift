import Foundation
import OnboardRuns
import Testing

/// `onboard worker` killed and stopped under load: nothing lost, nothing twice.
@Suite("onboard worker under kill -9 and SIGTERM", .serialized) struct WorkerCrashTests {
    static let env = WorkerCommandTests.env

    /// A contract per run, then a wait for its signature: 8 API calls, then parked.
    static let contractFlow = """
        local n = ...
        local here = "\(CLI.root.path)/examples/files"
        local sr = yousign.signature_requests.create{ name = "Contract " .. n, delivery_mode = "none" }
        local document = yousign.signature_requests.documents.create(sr.id, { file = here .. "/contract.pdf", nature = "signable_document" })
        local signer = yousign.signature_requests.signers.create(sr.id, {
          info = { first_name = "Kelly", last_name = "Smith " .. n, email = "kelly" .. n .. "@example.com", locale = "en" },
          signature_level = "electronic_signature", signature_authentication_mode = "no_otp" })
        yousign.signature_requests.documents.fields.create(sr.id, document.id, { signer_id = signer.id, type = "signature", page = 1, x = 77, y = 581 })
        sr = yousign.signature_requests.activate(sr.id)
        print("sent " .. sr.id)
        local event = yousign.wait_for_event{ event = "signature_request.done", id = sr.id, timeout = "1d", poll = "20s", max_poll = "20s" }
        print("signed " .. sr.id)
        """

    /// Started by each signature_request.done: reads the request, once per event.
    static let archiveFlow = """
        local event = ...
        local sr = yousign.signature_requests.get(event.data.signature_request.id)
        print("archived " .. sr.id .. " " .. sr.status .. " " .. event.event_id)
        """

    func setUp(_ server: ServeProcess, latency: Bool = false) throws -> (TempFolder, String) {
        let folder = try TempFolder(text: [
            "contract.lua": Self.contractFlow, "archive.lua": Self.archiveFlow,
            "onboard.toml": """
                [clients.acme]
                emulator = "http://127.0.0.1:\(server.port)"
                allow_read = ["\(CLI.root.path)/examples/files"]
                webhook_secret_env = "ACME_WEBHOOK_SECRET"

                [[clients.acme.on]]
                event = "signature_request.done"
                flow = "archive.lua"
                """,
        ])
        return (folder, folder.url.appendingPathComponent("runs.sqlite").path)
    }

    /// Queues a run for the worker as `onboard run --detach` does.
    func detach(_ store: RunStore, _ folder: TempFolder, _ flow: String, _ arguments: [String]) throws -> String {
        let record = try store.create(NewRun(flow: flow, flowHash: "", arguments: arguments, command: [], folder: folder.url.path,
                                             backend: "client acme", client: "acme", origin: "detach:\(UUID().uuidString)"))
        _ = try store.park(record.id, wake: RunWake(at: 0))
        return record.id
    }

    @Test("kill -9 while 50 runs are parked and webhooks arrive: after a restart every run is done, no event processed twice, no flow started twice, no duplicate contract",
          arguments: [(4, 20), (17, 34), (40, 49)])
    func killedWhileParkedAndReceiving(_ killAt: Int, _ restartAt: Int) async throws {
        try await withMachineToMyself {
            let server = try ServeProcess(["serve", "--ephemeral", "--port", "0"], in: CLI.root)
            let (folder, runs) = try setUp(server)
            let store = try RunStore.open(path: runs)
            var worker = try WorkerDaemon(["--runs", runs, "--listen", "127.0.0.1:0", "--concurrency", "4"], in: folder.url, environment: Self.env)
            let port = worker.port
            try await WorkerCommandTests.subscribe(serve: server, to: worker.url + "/webhooks/yousign/acme")
            let ids = try (1...50).map { try detach(store, folder, "contract.lua", ["\($0)"]) }
            #expect(await eventually(180) { try ids.allSatisfy { try store.run($0)?.wake?.event != nil } },
                    "parked: \((try? store.parkedCount()) ?? -1) of 50\n\(worker.log.suffix(2000))")
            let srs = try ids.map { try #require(try store.run($0)?.wake?.object) }
            #expect(Set(srs).count == 50)

            // sign them one after another; kill -9 the worker while the webhooks come in (the
            // emulator delivers every second: wait for the first ones, then kill)
            var atKill = -1
            for (i, sr) in srs.enumerated() {
                try await WorkerCommandTests.sign(serve: server, sr)
                if i < restartAt { try await Task.sleep(for: .milliseconds(80)) }
                if i == killAt {
                    _ = await eventually(3) { try store.events(client: "acme").contains { $0.name == "signature_request.done" } }
                    _ = worker.stop(SIGKILL)
                    atKill = try store.events(client: "acme").filter { $0.name == "signature_request.done" }.count
                }
                if i == restartAt {
                    // back on the same port, so the emulator's retries find it
                    worker = try WorkerDaemon(["--runs", runs, "--listen", "127.0.0.1:\(port)", "--concurrency", "4"], in: folder.url,
                                              environment: Self.env)
                }
            }
            // the deliveries that failed while it was down are retried after 2 min of the emulator's time
            _ = try await HTTP.send(port: server.port, "POST", "/_emulator/clock/advance", json: #"{"seconds": 300}"#)
            let archives: @Sendable () throws -> [RunRecord] = { try store.runs().filter { $0.origin?.hasPrefix("event:") == true } }
            #expect(await eventually(180) {
                try ids.allSatisfy { try store.run($0)?.status == .done } && archives().filter { $0.status == .done }.count >= 50
            }, "contract runs done: \(ids.filter { (try? store.run($0))??.status == .done }.count), archive runs: \((try? archives().count) ?? -1)\n\(worker.log.suffix(3000))")
            try await Task.sleep(for: .seconds(1))
            #expect(atKill > 0 && atKill < 50, "webhooks received before the kill: \(atKill)")
            // every event once: one archive run per signature_request.done event, each about its own request
            let events = try store.events(client: "acme").filter { $0.name == "signature_request.done" }
            #expect(events.count == 50, "signature_request.done events stored: \(events.count)")
            #expect(events.allSatisfy { $0.processedAt != nil })
            let archived = try archives()
            #expect(archived.count == 50 && Set(archived.compactMap(\.origin)).count == 50)
            #expect(Set(archived.compactMap(\.origin)) == Set(events.map { "event:acme:\($0.eventID):0" }))
            let archivedRequests = try archived.map { try String(decoding: #require(try store.run($0.id)).output, as: UTF8.self) }
                .compactMap { $0.split(separator: " ").dropFirst().first.map(String.init) }
            #expect(Set(archivedRequests) == Set(srs))
            // every contract run made one contract and printed each line once
            for id in ids {
                let output = String(decoding: try #require(try store.run(id)).output, as: UTF8.self)
                #expect(output.components(separatedBy: "\n").filter { !$0.isEmpty }.count == 2, "\(id): \(output)")
            }
            #expect(try await WorkerCommandTests.count(serve: server, "/signature_requests") == 50, "no duplicate contract")
            #expect(worker.stop(SIGTERM).status == 0)
        }
    }

    @Test("SIGTERM with runs in flight: exit 0 within --shutdown-timeout; each run resumes at the next start and ends once")
    func sigtermWithRunsInFlight() async throws {
        try await withMachineToMyself {
            let server = try ServeProcess(["serve", "--ephemeral", "--port", "0", "--latency", "50ms"], in: CLI.root)
            let (folder, runs) = try setUp(server)
            try Data("""
                local n = ...
                local session_template = yousign.workflow_templates.list().data[1]
                yousign.workflow_sessions.create{ workflow_template_id = session_template.id, name = "Session " .. n }
                for i = 1, 40 do yousign.workflow_templates.list() end
                print("done " .. n)
                """.utf8).write(to: folder.url.appendingPathComponent("slow.lua"))
            let store = try RunStore.open(path: runs)
            let worker = try WorkerDaemon(["--runs", runs, "--listen", "127.0.0.1:0", "--concurrency", "4", "--shutdown-timeout", "10s"],
                                          in: folder.url, environment: Self.env)
            let ids = try (1...4).map { try detach(store, folder, "slow.lua", ["\($0)"]) }
            #expect(await eventually(60) { try ids.allSatisfy { try (store.run($0)?.steps ?? 0) >= 4 && store.run($0)?.status == .running } })
            let stopped = worker.stop(SIGTERM)
            #expect(stopped.status == 0 && stopped.seconds < 10, "exit \(stopped.status) after \(stopped.seconds) s\n\(worker.log)")
            let after = try ids.map { try #require(try store.run($0)) }
            #expect(after.allSatisfy { $0.effectiveStatus() == .interrupted }, "\(after.map { $0.status })")
            #expect(after.allSatisfy { $0.steps < 44 }, "they were stopped part-way")
            let again = try WorkerDaemon(["--runs", runs, "--listen", "127.0.0.1:0", "--concurrency", "4"], in: folder.url, environment: Self.env)
            #expect(await eventually(120) { try ids.allSatisfy { try store.run($0)?.status == .done } }, "\(again.log)")
            for (n, id) in ids.enumerated() {
                #expect(String(decoding: try #require(try store.run(id)).output, as: UTF8.self) == "done \(n + 1)\n")
            }
            #expect(try await WorkerCommandTests.count(serve: server, "/workflow_sessions") == 4, "one session per run, none twice")
            #expect(again.stop(SIGTERM).status == 0)
        }
    }
}
