import Foundation
import OnboardRuns
import Testing

/// `onboard trigger` and `onboard listen`: the emulator's events, made on demand and forwarded.
@Suite("onboard listen and onboard trigger", .serialized) struct ListenTriggerTests {
    @Test("every event the emulator emits has a recipe, and each recipe makes the emulator deliver its event")
    func everyRecipeDeliversItsEvent() async throws {
        let list = try await CLI.onboardAsync(["trigger", "--list", "--ephemeral"])
        #expect(list.status == 0, "\(list)")
        let names = list.stdout.split(separator: "\n").map(String.init)
        #expect(names.count == 33 && names == names.sorted())
        for required in ["signature_request.done", "signature_request.declined", "signature_request.expired", "signer.done",
                         "approver.approved", "workflow_session.done", "verification.identity_document.done", "applicant.processed",
                         "document_analysis.done", "signature_request.permanently_deleted"] {
            #expect(names.contains(required), "\(required)")
        }
        // each recipe in turn on one emulator with a subscription to everything: its event is delivered
        let check = """
            local trigger = require("trigger")
            yousign.webhooks.create{ endpoint = "http://127.0.0.1:9/hook", description = "t", sandbox = true, subscribed_events = {"*"},
              scopes = {"*"}, auto_retry = false, enabled = true }
            local function deliveries() local d = emulator.deliveries() return d.data or d end
            for _, name in ipairs(trigger.events()) do
              local before = #deliveries()
              local id = trigger.run(name)
              local list, found = deliveries(), false
              for i = before + 1, #list do if list[i].event_name == name then found = true end end
              print(name, found and "delivered" or "MISSING", type(id))
            end
            """
        let result = try await CLI.onboardAsync(["run", "--ephemeral", "-e", check])
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 33)
        for line in lines { #expect(line.hasSuffix("\tdelivered\tstring"), "\(line)") }
        let unknown = try await CLI.onboardAsync(["trigger", "signature_request.signed", "--ephemeral"])
        #expect(unknown.status == 1 && unknown.stderr.contains("the emulator cannot be made to send 'signature_request.signed'; `onboard trigger --list`"), "\(unknown)")
    }

    @Test("onboard listen forwards the emulator's deliveries to the worker, signed with the client's secret, one line per event")
    func listenForwardsToTheWorker() async throws {
        try await withMachineToMyself {
            let folder = try TempFolder()
            let server = try ServeProcess(["serve", "--ephemeral", "--port", "0"], in: folder.url)
            try Data("""
                [clients.acme]
                emulator = "http://127.0.0.1:\(server.port)"
                webhook_secret_env = "ACME_WEBHOOK_SECRET"

                [[clients.acme.on]]
                event = "signature_request.done"
                flow = "archive.lua"
                """.utf8).write(to: folder.url.appendingPathComponent("onboard.toml"))
            try Data("local e = ...\nprint('archived ' .. e.data.signature_request.id)\n".utf8).write(to: folder.url.appendingPathComponent("archive.lua"))
            let runs = folder.url.appendingPathComponent("runs.sqlite").path
            let env = WorkerCommandTests.env
            let worker = try WorkerDaemon(["--runs", runs, "--listen", "127.0.0.1:0", "--no-worker"], in: folder.url, environment: env)
            let listen = Process()
            listen.executableURL = CLI.binary
            listen.arguments = ["listen", "--client", "acme", "--json", "--forward-to", worker.url + "/webhooks/yousign/acme"]
            listen.currentDirectoryURL = folder.url
            listen.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
            let out = Pipe(), err = Pipe()
            listen.standardOutput = out
            listen.standardError = err
            try listen.run()
            defer { if listen.isRunning { kill(listen.processIdentifier, SIGKILL) } }
            let banner = WorkerDaemon.LogBox(), lines = WorkerDaemon.LogBox()
            Thread { while case let d = err.fileHandleForReading.availableData, !d.isEmpty { banner.append(d) } }.start()
            Thread { while case let d = out.fileHandleForReading.availableData, !d.isEmpty { lines.append(d) } }.start()
            #expect(await eventually(20) { banner.text.contains("Ctrl-C to stop") }, "\(banner.text)")
            #expect(banner.text.contains("signed with $ACME_WEBHOOK_SECRET") && !banner.text.contains(Webhook.secret))

            let triggered = try await CLI.onboardAsync(["trigger", "signature_request.done", "--client", "acme"], in: folder.url, environment: env)
            #expect(triggered.status == 0 && triggered.stdout.hasPrefix("signature_request.done  "), "\(triggered)")
            let store = try RunStore.open(path: runs)
            #expect(await eventually(20) { try store.runs(status: .done).count == 1 }, "\(lines.text)\n\(worker.log)")
            #expect(await eventually(5) { lines.text.contains(#""event_name":"signature_request.done""#) })
            let forwarded = lines.text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            let done = try #require(forwarded.first { $0["event_name"] as? String == "signature_request.done" })
            #expect(done["status"] as? Int == 200, "\(done)")
            #expect(forwarded.allSatisfy { $0["status"] as? Int == 200 }, "the worker verified every signature: \(lines.text)")
            // Ctrl-C removes the subscription
            kill(listen.processIdentifier, SIGINT)
            listen.waitUntilExit()
            #expect(listen.terminationStatus == 0)
            let subscriptions = try await HTTP.send(port: server.port, "GET", "/v3/webhooks")
            #expect(subscriptions.body == "[]", "\(subscriptions.body)")
            #expect(worker.stop(SIGTERM).status == 0)
        }
    }
}
