import Foundation
import GRDB
import Testing
@testable import OnboardRuns

/// A fresh store file in a temporary folder.
func temporaryStore(_ name: String = "runs.sqlite") throws -> (RunStore, String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("onboard-runs-\(UUID().uuidString)").path
    let path = dir + "/" + name
    return (try RunStore.open(path: path), path)
}

func newRun(_ flow: String = "flow.lua") -> NewRun {
    NewRun(flow: flow, flowHash: "abc", arguments: ["Kelly"], command: ["--allow-read=files"], folder: "/tmp", backend: "embedded emulator (in memory)")
}

@Suite struct RunStoreTests {
    @Test func runIDsSortByCreationTime() {
        let a = RunID.make(at: Date(timeIntervalSince1970: 1_700_000_000))
        let b = RunID.make(at: Date(timeIntervalSince1970: 1_700_000_000.002))
        let c = RunID.make(at: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(a < b && b < c)
        #expect(RunID.isValid(a) && a.count == 30)
        #expect(!RunID.isValid("run_abc") && !RunID.isValid("job_" + a.dropFirst(4)))
    }

    @Test func aRunIsCreatedListedAndEnded() throws {
        let (store, _) = try temporaryStore()
        let run = try store.create(newRun())
        #expect(run.status == .running && run.lease?.pid == getpid())
        try store.append(JournalEntry(step: 1, kind: .now, key: "now", resultKind: "value", result: Array("12.5".utf8), at: 1), to: run.id,
                         output: Array("hello\n".utf8), outputBytes: 6)
        try store.append(JournalEntry(step: 2, kind: .call, key: "POST /v3/workflow_sessions", digest: "d", state: .intent, at: 2), to: run.id)
        try store.complete(step: 2, of: run.id, resultKind: "{\"ok\":true,\"kind\":\"json\"}", result: Array("{\"id\":\"s1\"}".utf8), claims: ["s1"])
        try store.finish(run.id, status: .done, exitCode: 0, error: nil, output: Array("bye\n".utf8), outputBytes: 10)

        let read = try #require(try store.run(run.id))
        #expect(read.status == .done && read.exitCode == 0 && read.steps == 2 && read.lease == nil && read.endedAt != nil)
        #expect(String(decoding: read.output, as: UTF8.self) == "hello\nbye\n" && read.outputBytes == 10)
        #expect(read.arguments == ["Kelly"] && read.command == ["--allow-read=files"])
        let entries = try store.entries(of: run.id)
        #expect(entries.map(\.step) == [1, 2] && entries[1].state == .done && entries[1].result == Array("{\"id\":\"s1\"}".utf8))
        #expect(try store.claimed(["s1", "s2"]) == ["s1": run.id])
        #expect(try store.runs(status: .done).map(\.id) == [run.id])
        #expect(try store.runs(status: .running).isEmpty)
    }

    @Test func aRunWhoseProcessDiedReadsAsInterrupted() throws {
        let (store, _) = try temporaryStore()
        // a lease renewed long ago: its holder is gone, whatever its pid
        let old = try store.create(newRun(), now: Date().timeIntervalSince1970 - 3600)
        let live = try store.create(newRun())
        #expect(try store.run(old.id)?.effectiveStatus() == .interrupted)
        #expect(try store.run(live.id)?.effectiveStatus() == .running)
        #expect(try store.runs(status: .interrupted).map(\.id) == [old.id])
        // a live run is not taken over; an interrupted one is, once
        #expect(throws: RunStoreError.self) { try store.claim(live.id) }
        let claimed = try store.claim(old.id)
        #expect(claimed.attempts == 2 && claimed.status == .running)
        #expect(throws: RunStoreError.self) { try store.claim(old.id) }
    }

    @Test func aDeadPidOnThisHostIsInterruptedAtOnce() throws {
        let lease = RunLease(pid: Int32.max - 7, host: RunLease.hostName, heartbeat: Date().timeIntervalSince1970)
        #expect(!lease.isAlive())
        #expect(RunLease.current().isAlive())
    }

    @Test func cancelStopsWritesAndResumes() throws {
        let (store, _) = try temporaryStore()
        let run = try store.create(newRun())
        _ = try store.cancel(run.id)
        #expect(try store.append(JournalEntry(step: 1, kind: .now, key: "now", at: 1), to: run.id) == false)
        #expect(try store.entries(of: run.id).isEmpty)
        #expect(throws: RunStoreError.self) { try store.claim(run.id) }
        #expect(throws: RunStoreError.self) { try store.cancel(run.id) }
        // a process that finishes after the cancel leaves it cancelled
        try store.finish(run.id, status: .done, exitCode: 0, error: nil)
        #expect(try store.run(run.id)?.status == .cancelled)
        #expect(try store.heartbeat(run.id) == false)
    }

    @Test func pruneDeletesEndedRunsButKeepsClaimsAndInterruptedRuns() throws {
        let (store, _) = try temporaryStore()
        let now = Date().timeIntervalSince1970
        let old = try store.create(newRun(), now: now - 40 * 86400)
        try store.append(JournalEntry(step: 1, kind: .call, key: "POST /v3/x", state: .intent, at: 1), to: old.id, now: now - 40 * 86400)
        try store.complete(step: 1, of: old.id, resultKind: "{}", result: [], claims: ["r1"], now: now - 40 * 86400)
        try store.finish(old.id, status: .done, exitCode: 0, error: nil, now: now - 40 * 86400)
        let recent = try store.create(newRun())
        try store.finish(recent.id, status: .failed, exitCode: 1, error: "boom")
        _ = try store.create(newRun(), now: now - 40 * 86400)  // interrupted: its process is gone
        let (deleted, kept) = try store.prune(before: now - 30 * 86400, now: now)
        #expect(deleted == 1 && kept == 1)
        #expect(try store.run(old.id) == nil && store.entries(of: old.id).isEmpty)
        #expect(try store.run(recent.id) != nil)
        #expect(try store.claimed(["r1"]) == ["r1": old.id])
    }

    @Test func aFileThatIsNotADatabaseIsRefusedAndLeftAsItIs() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("onboard-runs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("runs.sqlite").path
        let garbage = Data(repeating: 0x41, count: 8192)
        try garbage.write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: RunStoreError.self) { try RunStore.open(path: path) }
        #expect(error?.kind == .corrupt)
        #expect(error?.description.contains(path) == true && error?.description.contains("left as it is") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
    }

    @Test func aStoreFromANewerOnboardIsRefused() throws {
        let (store, path) = try temporaryStore()
        _ = try store.create(newRun())
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        try queue.close()
        let error = #expect(throws: RunStoreError.self) { try RunStore.open(path: path) }
        #expect(error?.kind == .newerVersion && error?.description.contains("newer onboard") == true)
        // nothing was lost
        let check = try DatabaseQueue(path: path)
        #expect(try check.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM run") } == 1)
    }

    @Test func aLockedStoreGetsAClearError() async throws {
        let (store, path) = try temporaryStore()
        let run = try store.create(newRun())
        // another process holds the write lock for longer than the busy timeout
        let holder = try DatabaseQueue(path: path)
        let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let thread = Thread {
            try? holder.inTransaction(.exclusive) { _ in
                started.signal()
                release.wait()
                return .commit
            }
        }
        thread.start()
        started.wait()
        defer { release.signal() }
        // the 5 s busy wait on a thread of its own, not one of Swift's few cooperative ones
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<RunStoreError?, Never>) in
            Thread {
                do { try store.finish(run.id, status: .done, exitCode: 0, error: nil); continuation.resume(returning: nil) } catch {
                    continuation.resume(returning: error as? RunStoreError ?? RunStoreError(.io, "\(error)"))
                }
            }.start()
        }
        let error = try #require(outcome)
        #expect(error.kind == .locked && error.description.contains("locked by another process"))
    }

    @Test func anInMemoryStoreWorks() throws {
        let store = try RunStore.open(path: nil)
        let run = try store.create(newRun())
        let read = try store.run(run.id)
        #expect(store.location == "in memory" && read != nil)
    }
}
