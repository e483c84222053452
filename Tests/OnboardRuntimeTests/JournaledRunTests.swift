import Foundation
import OnboardRuns
import OnboardRuntime
import Testing

@Suite struct JournaledRunTests {
    @Test func aResumedRunIsAnsweredFromItsJournalWithoutTheAPI() async throws {
        let f = try JournalFixture()
        let run = try f.newRun()
        let (first, effects) = try await f.run(seedFlow, run: run)
        #expect(first.error == nil)
        #expect(first.output.contains("signature request\tdone\ttrue"))
        let requests = f.sent.withLock { $0.count }
        #expect(effects.steps > 10)

        // the whole journal again, with an API that refuses everything: nothing is asked of it
        f.refuseEverything.store(true, ordering: .sequentiallyConsistent)
        try f.store.finish(run.id, status: .interrupted, exitCode: nil, error: nil)
        let (again, replayed) = try await f.run(seedFlow, run: run)
        #expect(again.error == nil)
        #expect(f.sent.withLock { $0.count } == requests)
        #expect(replayed.steps == effects.steps)
        // what the first attempt printed is not printed twice, random numbers come back the same
        #expect(again.output.isEmpty)
        #expect(try f.store.run(run.id)?.outputBytes == first.output.utf8.count)
        #expect(try await f.counts() == ["/workflow_sessions": 1, "/signature_requests": 1])
    }

    @Test(arguments: seedPosts)
    func aLostResponseIsLookedUpNotSentAgain(post: String) async throws {
        let f = try JournalFixture()
        f.plan.withLock { $0[post] = .actThenDrop }
        let (outcome, effects) = try await f.run(seedFlow, run: try f.newRun())
        #expect(outcome.error == nil, "\(post): \(outcome.error?.message ?? "")")
        #expect(effects.stop == nil)
        #expect(outcome.output.contains("signature request\tdone"))
        // the request reached the emulator once, and the run went on with what it made
        #expect(f.sent.withLock { $0.filter { matches(post, $0) }.count } == 1)
        try await expectOneOfEach(f)
    }

    @Test(arguments: seedPosts)
    func aRunKilledAfterSendingIsReconciledOnResume(post: String) async throws {
        let f = try JournalFixture()
        f.plan.withLock { $0[post] = .actThenCancel }
        let run = try f.newRun()
        let (first, _) = try await f.run(seedFlow, run: run)
        #expect(first.error != nil)
        let intents = try f.store.entries(of: run.id).filter { $0.state == .intent }
        #expect(intents.count == 1 && matches(post, intents[0].key.replacingOccurrences(of: "emulator.sign", with: post)))
        try f.store.finish(run.id, status: .interrupted, exitCode: nil, error: nil)

        let (resumed, effects) = try await f.run(seedFlow, run: run, host: try f.host())
        #expect(resumed.error == nil, "\(post): \(resumed.error?.message ?? "")")
        #expect(effects.stop == nil)
        #expect(f.sent.withLock { $0.filter { matches(post, $0) }.count } == 1)
        #expect(try f.store.entries(of: run.id).allSatisfy { $0.state == .done })
        try await expectOneOfEach(f)
    }

    @Test func anEditedFlowStopsTheResumeNamingBothSidesAndLeavesTheRun() async throws {
        let f = try JournalFixture()
        let run = try f.newRun()
        _ = try await f.run(seedFlow, run: run)
        let before = try f.store.entries(of: run.id)
        let edited = seedFlow.replacingOccurrences(of: "local templates = yousign.workflow_templates.list()",
                                                   with: "local templates = yousign.workflow_templates.list()\nyousign.workflow_sessions.list()")
        let (outcome, effects) = try await f.run(edited, run: run)
        #expect(outcome.error != nil)
        let stop = try #require(effects.stop)
        #expect(stop.kind == .divergence)
        #expect(stop.description.contains("step 3: the journal has POST /v3/workflow_sessions, the flow now asks GET /v3/workflow_sessions"))
        #expect(try f.store.entries(of: run.id) == before)

        // a flow that now ends before the journal does changed too
        let (shorter, third) = try await f.run("yousign.workflow_templates.list()", run: run)
        #expect(shorter.error == nil)
        #expect(third.stop?.kind == .divergence)
        #expect(third.stop?.description.contains("the flow ended before step 3, but the journal has") == true, "\(third.stop?.description ?? "")")

        // the same operation with another body names the field
        let renamed = seedFlow.replacingOccurrences(of: "name = \"Onboarding of Kelly Smith\"", with: "name = \"Onboarding of Kelly Smyth\"")
        let (_, second) = try await f.run(renamed, run: run)
        #expect(second.stop?.description.contains("name was \"Onboarding of Kelly Smith\", is now \"Onboarding of Kelly Smyth\"") == true)
    }

    @Test func aChangedInputFileStopsTheResume() async throws {
        let f = try JournalFixture()
        let run = try f.newRun()
        _ = try await f.run(seedFlow, run: run)
        try Data("another contract".utf8).write(to: URL(fileURLWithPath: f.folder + "/contract.pdf"))
        let (outcome, effects) = try await f.run(seedFlow, run: run)
        #expect(outcome.error != nil)
        #expect(effects.stop?.kind == .inputChanged)
        #expect(effects.stop?.description.contains("contract.pdf changed since the run read it") == true)
    }

    @Test func aChangedVariableStopsTheResumeWithoutShowingIt() async throws {
        let f = try JournalFixture()
        let run = try f.newRun()
        let source = "print(env.get('CUSTOMER'))"
        _ = try await f.run(source, run: run, host: try f.host(env: ["CUSTOMER": "kelly-secret-1"]))
        let (outcome, effects) = try await f.run(source, run: run, host: try f.host(env: ["CUSTOMER": "kelly-secret-2"]))
        #expect(outcome.error != nil)
        #expect(effects.stop?.kind == .inputChanged)
        let journal = try f.store.entries(of: run.id)
        #expect(!(effects.stop?.description.contains("secret") ?? true))
        #expect(!journal.contains { ($0.detail ?? "").contains("secret") || String(decoding: $0.result ?? [], as: UTF8.self).contains("secret") })
    }

    @Test func aWaitJournalsItsStartAndLastRoundNotEveryPoll() async throws {
        // the verification stays pending for 60 s of the emulator's clock: a dozen polls
        let f = try JournalFixture(verificationDelay: 60)
        let run = try f.newRun()
        let (outcome, _) = try await f.run(seedFlow, run: run)
        #expect(outcome.error == nil)
        let polls = f.sent.withLock { $0.filter { $0.hasPrefix("GET /v3/verifications/identity_documents/") }.count }
        #expect(polls > 5)
        let journal = try f.store.entries(of: run.id)
        let journaledPolls = journal.filter { $0.key.hasPrefix("GET /v3/verifications/identity_documents/") }
        #expect(journaledPolls.count == 1)
        #expect(journal.filter { $0.kind == .wait }.count == 2 && journal.filter { $0.kind == .waitEnd }.count == 2)
        // and the replay takes one round
        try f.store.finish(run.id, status: .interrupted, exitCode: nil, error: nil)
        f.refuseEverything.store(true, ordering: .sequentiallyConsistent)
        let (again, _) = try await f.run(seedFlow, run: run)
        #expect(again.error == nil)
    }

    @Test func aResumedWaitKeepsItsFirstStart() async throws {
        let f = try JournalFixture()
        let run = try f.newRun()
        // a wait that never succeeds: killed (cancelled) in its third poll
        let source = """
            local polls = 0
            local ok, err = pcall(yousign.wait, function() polls = polls + 1; return yousign.workflow_templates.list() end,
                                  function() return false end, { timeout = "60s", interval = "10s", max_interval = "10s" })
            print(polls, err)
            """
        f.plan.withLock { $0["GET /v3/workflow_templates"] = nil }
        let (first, _) = try await f.run(source, run: run)
        #expect(first.output.contains("timed out after 60s"))
        let journal = try f.store.entries(of: run.id)
        let start = try #require(journal.first { $0.kind == .wait })
        // resumed from just after the wait began: it times out counting from that start
        let cut = try f.newRun()
        for entry in journal.prefix(while: { $0.step <= start.step }) { try f.store.append(entry, to: cut.id) }
        let (resumed, _) = try await f.run(source, run: cut)
        #expect(resumed.output.contains("timed out after 60s"))
        // the emulator's clock has moved past the first start's timeout: one check, not six
        #expect(resumed.output.contains("(1 checks)"), "\(resumed.output)")
        #expect(try f.store.entries(of: cut.id).first { $0.kind == .wait }?.result == start.result)
    }

    @Test func aLostResponseNothingCanLookUpStopsTheRunAsUncertain() async throws {
        let f = try JournalFixture()
        f.plan.withLock { $0["POST /v3/webhooks"] = .actThenDrop }
        let source = """
            local ok, err = pcall(yousign.webhooks.create, { endpoint = "https://example.com/hook", subscribed_events = { "*" }, scopes = { "*" }, description = "hook", sandbox = true, auto_retry = true, enabled = true })
            print("after", ok)
            yousign.workflow_templates.list()
            """
        let (outcome, effects) = try await f.run(source, run: try f.newRun())
        #expect(effects.stop?.kind == .uncertain)
        #expect(effects.stop?.description.contains("POST /v3/webhooks was sent but its answer was lost") == true)
        #expect(effects.stop?.description.contains("--resend-uncertain") == true)
        // the script went on after its pcall, but nothing more reached the API
        #expect(f.sent.withLock { $0.last } == "POST /v3/webhooks")
        _ = outcome
    }

    /// One session, one verification, one signature request with one document and one signer.
    func expectOneOfEach(_ f: JournalFixture) async throws {
        #expect(try await f.counts() == ["/workflow_sessions": 1, "/signature_requests": 1])
        let srs = try await f.srIDs()
        #expect(try await f.count("/signature_requests/\(srs[0])/documents") == 1)
        #expect(try await f.count("/signature_requests/\(srs[0])/signers") == 1)
        let session = try await f.sessionActions()
        #expect(session == ["identity_document_verification": 1, "signature_request": 1])
    }
}
