import Foundation
import JSONCodec
import Logging
import LuaKit
import OnboardRuns
import OnboardRuntime
import Testing
import YousignAPI
import YousignEmulator
@testable import OnboardWorker

/// The worker's engine in this process, over an in-memory emulator and run store: events start
/// their triggers' runs once, a waiting run parks and its event wakes it, schedules fire.
final class EngineFixture: @unchecked Sendable {
    let folder: String
    let store: RunStore
    let emulator: YousignEmulator
    let worker: AutomationWorker
    let ended = Locked<[WorkerRunOutcome]>([])

    init(toml: String, flows: [String: String], concurrency: Int = 2) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("onboard-engine-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/flows", withIntermediateDirectories: true)
        for (name, text) in flows { try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/flows/" + name)) }
        let config = try OnboardConfig.parse(toml, path: folder + "/onboard.toml")
        store = try RunStore.open(path: folder + "/runs.sqlite")
        emulator = try YousignEmulator(EmulatorConfiguration(storage: .memory))
        let emulator = self.emulator
        var clients: [String: WorkerClient] = [:]
        for (name, client) in config.clients {
            let host = FlowHost.emulator(transport: InProcessTransport { await emulator.handle($0) }, key: Fixtures.defaultAPIKey,
                                         advancing: false, description: BackendDescription(kind: .embeddedEmulator, location: "in memory"),
                                         files: try FileAccess(root: folder, read: [], write: []))
            clients[name] = WorkerClient(config: client, host: host, folder: folder)
        }
        let ended = self.ended
        worker = AutomationWorker(store: store, clients: clients, settings: .init(concurrency: concurrency), executor: InProcessExecutor(),
                                  log: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
                                  observer: { event in if case .ended(let outcome) = event { ended.withLock { $0.append(outcome) } } })
    }

    /// A signed-and-verified event, as the webhook route stores it.
    func deliver(_ name: String, id: String, about objects: [String]) throws -> Bool {
        let body = #"{"event_id":"\#(id)","event_name":"\#(name)","data":{"signature_request":{"id":"\#(objects.first ?? "")"}}}"#
        let stored = try store.storeEvent(client: "acme", eventID: id, name: name, body: Array(body.utf8), objects: objects)
        worker.notify()
        return stored
    }

    /// Waits (polling the store) until `done` holds, for up to `seconds`.
    func waitUntil(_ seconds: Double = 20, _ done: () throws -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try done() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return try done()
    }

    /// A run handed to the worker the way `onboard run --detach` does.
    func detach(_ flow: String, _ arguments: [String] = []) throws -> String {
        let record = try store.create(NewRun(flow: "flows/" + flow, flowHash: "", arguments: arguments, command: [], folder: folder,
                                             backend: "client acme", client: "acme", origin: "detach:\(UUID().uuidString)"))
        _ = try store.park(record.id, wake: RunWake(at: 0))
        worker.notify()
        return record.id
    }

    deinit {
        worker.shutdown(timeout: 5)
        try? FileManager.default.removeItem(atPath: folder)
    }
}

/// A value behind a lock, shared with the worker's observer.
final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ value: T) { self.value = value }
    func withLock<R>(_ body: (inout T) -> R) -> R { lock.withLock { body(&value) } }
}

@Suite("the worker's engine", .serialized) struct AutomationWorkerTests {
    static let toml = """
        [clients.acme]
        ephemeral = true

        [[clients.acme.on]]
        event = "signature_request.done"
        flow = "flows/archive.lua"
        """

    @Test("an event starts its trigger's run once, with the event as the flow's first argument, even if Yousign delivers it twice")
    func triggers() throws {
        let fixture = try EngineFixture(toml: Self.toml, flows: [
            "archive.lua": "local event = ...\nprint(event.event_name, event.event_id, event.data.signature_request.id)\n",
        ])
        fixture.worker.start()
        #expect(try fixture.deliver("signature_request.done", id: "e-1", about: ["sr-1"]))
        #expect(try fixture.deliver("signature_request.done", id: "e-1", about: ["sr-1"]) == false, "a replay is not stored again")
        #expect(try fixture.deliver("signature_request.declined", id: "e-2", about: ["sr-1"]), "no trigger for it: stored, nothing runs")
        #expect(try fixture.waitUntil { try fixture.store.pendingEventCount() == 0 && fixture.ended.withLock { $0.count } == 1 })
        Thread.sleep(forTimeInterval: 0.3)
        let runs = try fixture.store.runs()
        try #require(runs.count == 1)
        #expect(runs[0].status == .done && runs[0].client == "acme" && runs[0].origin == "event:acme:e-1:0")
        #expect(String(decoding: try #require(try fixture.store.run(runs[0].id)).output, as: UTF8.self) == "signature_request.done\te-1\tsr-1\n")
    }

    @Test("a run that waits for an event is parked with no thread of its own, and the event wakes it")
    func parkedRunsWake() throws {
        let fixture = try EngineFixture(toml: Self.toml, flows: [
            "archive.lua": "print('archived')\n",
            "wait.lua": """
                local id = ...
                print("waiting for " .. id)
                local event = yousign.wait_for_event{ event = "signature_request.done", id = id, timeout = "1d", poll = "1h",
                                                      check = function() return nil end }
                print("got " .. event.event_id)
                """,
        ])
        fixture.worker.start()
        let id = try fixture.detach("wait.lua", ["sr-7"])
        #expect(try fixture.waitUntil { try fixture.store.run(id)?.wake?.event == "signature_request.done" })
        let parked = try #require(try fixture.store.run(id))
        #expect(parked.effectiveStatus() == .waiting && parked.lease == nil && parked.wake?.object == "sr-7")
        #expect(parked.wake.map { $0.at > Date().timeIntervalSince1970 + 3000 } == true, "its fallback poll is an hour away")
        #expect(try fixture.waitUntil(5) { fixture.worker.inFlight == 0 }, "a parked run gives its run thread back")
        #expect(try fixture.deliver("signature_request.done", id: "e-9", about: ["sr-7", "signer-1"]))
        #expect(try fixture.waitUntil { try fixture.store.run(id)?.status == .done })
        let done = try #require(try fixture.store.run(id))
        #expect(String(decoding: done.output, as: UTF8.self) == "waiting for sr-7\ngot e-9\n", "the replay printed nothing twice")
        let events = try fixture.store.entries(of: id).filter { $0.kind == .event }
        #expect(events.count == 1 && events[0].resultKind == "json", "one journaled look at the event: the one that found it")
        // the same event also started the trigger's run, once
        #expect(try fixture.waitUntil { try fixture.store.runs().filter { $0.origin?.hasPrefix("event:") == true && $0.status == .done }.count == 1 })
    }

    @Test("a wait that already has its event goes on without parking")
    func anEventThatCameFirst() throws {
        let fixture = try EngineFixture(toml: Self.toml, flows: [
            "archive.lua": "print('archived')\n",
            "wait.lua": "local e = yousign.wait_for_event{ event = 'signature_request.done', id = ..., check = function() end }\nprint(e.event_id)\n",
        ])
        _ = try fixture.deliver("signature_request.done", id: "e-3", about: ["sr-3"])
        fixture.worker.start()
        let id = try fixture.detach("wait.lua", ["sr-3"])
        #expect(try fixture.waitUntil { try fixture.store.run(id)?.status == .done })
        #expect(try fixture.store.run(id)?.attempts == 2, "made, then claimed once: it never parked")
    }

    @Test("a schedule fires once per due time, as runs of its client")
    func schedules() throws {
        let fixture = try EngineFixture(toml: """
            [clients.acme]
            ephemeral = true

            [[clients.acme.every]]
            interval = "1s"
            flow = "flows/tick.lua"
            """, flows: ["tick.lua": "local firing = ...\nprint(firing.schedule, firing.client)\n"])
        fixture.worker.start()
        #expect(try fixture.waitUntil(10) { try fixture.store.runs(status: .done).count >= 2 })
        let runs = try fixture.store.runs().filter { $0.status == .done }
        #expect(Set(runs.compactMap(\.origin)).count == runs.count, "one run per due time")
        #expect(runs.allSatisfy { $0.client == "acme" && $0.origin?.hasPrefix("every:acme:every 1s flows/tick.lua:") == true })
        #expect(String(decoding: try #require(try fixture.store.run(runs[0].id)).output, as: UTF8.self) == "every 1s\tacme\n")
    }
}
