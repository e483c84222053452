import Foundation
import Testing
@testable import OnboardRuns

/// Parked runs, the events they wait for, origins and schedules: what `onboard worker` keeps.
@Suite struct ParkingTests {
    func clientRun(_ store: RunStore, origin: String? = nil) throws -> RunRecord {
        var new = newRun()
        new.client = "acme"
        new.origin = origin
        return try store.create(new)
    }

    @Test("a parked run is waiting with no process, is due at its time, and is claimed once")
    func parkedRunsWaitAndAreClaimedOnce() throws {
        let (store, _) = try temporaryStore()
        let run = try clientRun(store)
        let now = Date().timeIntervalSince1970
        #expect(try store.park(run.id, wake: RunWake(at: now + 60, event: "signature_request.done", object: "sr-1"), output: Array("hi\n".utf8)))
        let parked = try #require(try store.run(run.id))
        #expect(parked.status == .waiting && parked.lease == nil)
        // no process holds it, yet it is not interrupted: it waits in the store
        #expect(parked.effectiveStatus() == .waiting)
        #expect(parked.wake == RunWake(at: now + 60, event: "signature_request.done", object: "sr-1"))
        #expect(parked.output == Array("hi\n".utf8))
        #expect(try store.dueParked(now: now).isEmpty)
        #expect(try store.dueParked(now: now + 61).map(\.id) == [run.id])
        #expect(try store.nextWake() == now + 60)
        #expect(try store.parkedCount() == 1)
        let claimed = try #require(try store.claimParked(run.id))
        #expect(claimed.status == .running && claimed.lease?.pid == getpid() && claimed.wake == nil && claimed.attempts == 2)
        #expect(try store.claimParked(run.id) == nil, "a second claim finds it taken")
        #expect(try store.parkedCount() == 0)
    }

    @Test("an event wakes the runs of its client that wait for it, by any object it is about")
    func eventsWakeTheirRuns() throws {
        let (store, _) = try temporaryStore()
        let waiting = try clientRun(store), other = try clientRun(store)
        let later = Date().timeIntervalSince1970 + 3600
        _ = try store.park(waiting.id, wake: RunWake(at: later, event: "signature_request.done", object: "sr-1"))
        _ = try store.park(other.id, wake: RunWake(at: later, event: "signature_request.done", object: "sr-2"))
        #expect(try store.storeEvent(client: "acme", eventID: "e1", name: "signature_request.done", body: Array("{}".utf8),
                                     objects: ["sr-1", "signer-1"]))
        #expect(try store.wake(client: "beta", event: "signature_request.done", objects: ["sr-1"]) == 0, "another client's event")
        #expect(try store.wake(client: "acme", event: "signature_request.declined", objects: ["sr-1"]) == 0, "another event")
        #expect(try store.wake(client: "acme", event: "signature_request.done", objects: ["sr-1", "signer-1"]) == 1)
        #expect(try store.dueParked().map(\.id) == [waiting.id])
        #expect(try store.event(client: "acme", name: "signature_request.done", object: "signer-1")?.eventID == "e1")
        #expect(try store.event(client: "beta", name: "signature_request.done", object: "sr-1") == nil)
        #expect(try store.objects(ofEvent: 1) == ["signer-1", "sr-1"])
    }

    @Test("a run that parks on an event that already came is due at once: no wake-up is lost")
    func anEventBeforeTheParkIsNotLost() throws {
        let (store, _) = try temporaryStore()
        let run = try clientRun(store)
        _ = try store.storeEvent(client: "acme", eventID: "e1", name: "signature_request.done", body: Array("{}".utf8), objects: ["sr-1"])
        let now = Date().timeIntervalSince1970
        _ = try store.park(run.id, wake: RunWake(at: now + 3600, event: "signature_request.done", object: "sr-1"), now: now)
        #expect(try store.dueParked(now: now).map(\.id) == [run.id])
    }

    @Test("a cancelled run is not parked; an origin starts one run only")
    func cancelledRunsAndOrigins() throws {
        let (store, _) = try temporaryStore()
        let run = try clientRun(store, origin: "event:acme:e1:0")
        _ = try store.cancel(run.id)
        #expect(try store.park(run.id, wake: RunWake(at: 0)) == false)
        #expect(throws: RunStoreError.self) { try clientRun(store, origin: "event:acme:e1:0") }
        #expect(try store.run(origin: "event:acme:e1:0")?.id == run.id)
        #expect(try store.run(origin: "event:acme:e1:1") == nil)
    }

    @Test("a schedule fires once per due time, never for an earlier one")
    func schedulesFireOnce() throws {
        let (store, _) = try temporaryStore()
        #expect(try store.lastFired(client: "acme", schedule: "every 1h flows/remind.lua") == nil)
        #expect(try store.fire(client: "acme", schedule: "every 1h flows/remind.lua", due: 3600))
        #expect(try store.fire(client: "acme", schedule: "every 1h flows/remind.lua", due: 3600) == false)
        #expect(try store.fire(client: "acme", schedule: "every 1h flows/remind.lua", due: 0) == false)
        #expect(try store.fire(client: "acme", schedule: "every 1h flows/remind.lua", due: 7200))
        #expect(try store.lastFired(client: "acme", schedule: "every 1h flows/remind.lua") == 7200)
    }

    @Test("one worker per store: the second is told who holds it; a dead holder lets go")
    func oneWorkerPerStore() throws {
        let (_, path) = try temporaryStore()
        do {
            let first = try WorkerLock.acquire(storePath: path)
            #expect {
                _ = try WorkerLock.acquire(storePath: path)
            } throws: { error in
                "\(error)".contains("another onboard worker (pid \(getpid()) on \(RunLease.hostName)) is using the run store \(path)")
            }
            withExtendedLifetime(first) {}
        }
        // the lock went with its holder
        let again = try WorkerLock.acquire(storePath: path)
        withExtendedLifetime(again) {}
    }
}
