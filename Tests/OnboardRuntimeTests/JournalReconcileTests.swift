import Foundation
import OnboardRuns
import OnboardRuntime
import Testing

/// Each way docs/durability.md says a lost response is reconciled, beyond the seed flow's POSTs
/// (JournaledRunTests): the answer is lost live (`actThenDrop`), or the run is killed after
/// sending (`actThenCancel`) and resumed.
@Suite struct JournalReconcileTests {
    /// A draft request with one document and one signer, then `body`; prints `result`.
    static func flow(_ body: String) -> String {
        """
        local sr = yousign.signature_requests.create{ name = "Kelly Smith's contract", delivery_mode = "none" }
        local doc = yousign.signature_requests.documents.create(sr.id, { file = "contract.pdf", nature = "signable_document" })
        local signer = yousign.signature_requests.signers.create(sr.id, {
          info = { first_name = "Kelly", last_name = "Smith", email = "kelly.smith@example.com", locale = "en" },
          signature_level = "electronic_signature", signature_authentication_mode = "no_otp" })
        yousign.signature_requests.documents.fields.create(sr.id, doc.id, { signer_id = signer.id, type = "signature", page = 1, x = 77, y = 581 })
        \(body)
        """
    }

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var fault: String
        var body: String
        /// What the flow prints when it went right.
        var prints: String
        /// Matching requests let through before the fault.
        var skip = 0
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "approver", fault: "POST /v3/signature_requests/*/approvers",
             body: """
                 local a = yousign.signature_requests.approvers.create(sr.id, { info = { first_name = "Ann", last_name = "Lee", email = "ann@example.com", locale = "en" } })
                 print(a.info.email, #yousign.signature_requests.get(sr.id).approvers)
                 """, prints: "ann@example.com\t1"),
        Case(name: "cancel", fault: "POST /v3/signature_requests/*/cancel",
             body: """
                 yousign.signature_requests.activate(sr.id)
                 local c = yousign.signature_requests.cancel(sr.id, { reason = "other" })
                 print(c.status)
                 """, prints: "canceled"),
        Case(name: "PATCH is sent again", fault: "PATCH /v3/signature_requests/*",
             body: """
                 local u = yousign.signature_requests.update(sr.id, { name = "Renamed contract" })
                 print(u.name, yousign.signature_requests.get(sr.id).name)
                 """, prints: "Renamed contract\tRenamed contract"),
        Case(name: "DELETE sent again finds nothing: done", fault: "DELETE /v3/signature_requests/*/documents/*",
             body: """
                 print(yousign.signature_requests.documents.delete(sr.id, doc.id), #yousign.signature_requests.documents.list(sr.id))
                 """, prints: "true\t0"),
        Case(name: "the flow's own external_id", fault: "POST /v3/signature_requests",
             body: """
                 local own = yousign.signature_requests.create{ name = "second", delivery_mode = "none", external_id = "crm-4711" }
                 print(own.external_id, #yousign.signature_requests.list{ ["external_id[eq]"] = "crm-4711" }.data)
                 """, prints: "crm-4711\t1", skip: 1),
        Case(name: "emulator.complete", fault: "POST /_emulator/verifications/*/*/complete",
             body: """
                 local v = yousign.verifications.identity_documents.create{ file = "verified_id_document_verification.pdf", first_name = "Kelly", last_name = "Smith" }
                 print(emulator.complete("identity_documents", v.id, "failed").status)
                 """, prints: "failed"),
    ]

    @Test(arguments: cases)
    func lostLive(_ c: Case) async throws {
        let f = try JournalFixture(verificationDelay: 3600)
        f.plan.withLock { $0[c.fault] = .actThenDrop }
        f.skip.withLock { $0[c.fault] = c.skip }
        let (outcome, effects) = try await f.run(Self.flow(c.body), run: try f.newRun())
        #expect(outcome.error == nil, "\(c): \(outcome.error?.message ?? "")")
        #expect(effects.stop == nil)
        #expect(outcome.output.hasSuffix(c.prints + "\n"), "\(c): \(outcome.output)")
        #expect(f.sent.withLock { $0.filter { matches(c.fault, $0) }.count } >= 1)
    }

    @Test(arguments: cases)
    func killedThenResumed(_ c: Case) async throws {
        let f = try JournalFixture(verificationDelay: 3600)
        f.plan.withLock { $0[c.fault] = .actThenCancel }
        f.skip.withLock { $0[c.fault] = c.skip }
        let run = try f.newRun()
        let (first, _) = try await f.run(Self.flow(c.body), run: run)
        #expect(first.error != nil)
        #expect(try f.store.entries(of: run.id).last?.state == .intent)
        try f.store.finish(run.id, status: .interrupted, exitCode: nil, error: nil)
        let (resumed, effects) = try await f.run(Self.flow(c.body), run: run)
        #expect(resumed.error == nil, "\(c): \(resumed.error?.message ?? "")")
        #expect(effects.stop == nil)
        #expect(resumed.output.hasSuffix(c.prints + "\n"), "\(c): \(resumed.output)")
    }

    @Test func twoMatchesNoRunHasStopTheRunRatherThanPickOne() async throws {
        let f = try JournalFixture()
        let template = try #require(try await f.get("/workflow_templates")["data"]?[0]?["id"]?.stringValue)
        // the same customer's session, made by hand before the run (no run has it)
        let hand = try await f.post("/workflow_sessions", #"{"workflow_template_id":"\#(template)","name":"Kelly"}"#)
        #expect(hand == 201)
        f.plan.withLock { $0["POST /v3/workflow_sessions"] = .actThenDrop }
        let (_, effects) = try await f.run("local t = yousign.workflow_templates.list() yousign.workflow_sessions.create{ workflow_template_id = t.data[1].id, name = 'Kelly' }",
                                           run: try f.newRun())
        #expect(effects.stop?.kind == .uncertain)
        #expect(effects.stop?.description.contains("there are 2 workflow sessions named Kelly that no run has") == true, "\(effects.stop?.description ?? "")")
    }

    @Test func resendUncertainSendsItOnceChecked() async throws {
        let f = try JournalFixture()
        let source = "local w = yousign.webhooks.create{ endpoint = 'https://example.com/hook', subscribed_events = { '*' }, scopes = { '*' }, description = 'hook', sandbox = true, auto_retry = true, enabled = true } print(w.endpoint)"
        f.plan.withLock { $0["POST /v3/webhooks"] = .actThenCancel }
        let run = try f.newRun()
        _ = try await f.run(source, run: run)
        try f.store.finish(run.id, status: .interrupted, exitCode: nil, error: nil)
        let (refused, stopped) = try await f.run(source, run: run)
        #expect(stopped.stop?.kind == .uncertain)
        #expect(refused.error != nil)
        try f.store.finish(run.id, status: .interrupted, exitCode: nil, error: nil)
        let (sent, effects) = try await f.run(source, run: run, resendUncertain: true)
        #expect(effects.stop == nil)
        #expect(sent.output == "https://example.com/hook\n", "\(sent.error?.message ?? "")")
        #expect(f.sent.withLock { $0.filter { $0 == "POST /v3/webhooks" }.count } == 2)
    }
}

