-- Unblocking a session by hand: Kelly Smith's identity document is inconclusive, and a
-- colleague who saw her ID card at the branch resolves the action instead of retrying it.
--
--   onboard run --allow-read=examples/files examples/resolve_action.lua     -- on the embedded emulator
--
-- 1. create a session on the "Customer onboarding" template
-- 2. the identity document is inconclusive: the identity group, and the session, are blocked
-- 3. resolve the action (POST /v3/workflow_sessions/{id}/resolve_action answers 204: `true`)
-- 4. the action carries a resolution; the verification keeps its own status, but a resolved
--    action counts as verified, so the identity group is done
-- 5. only pending, failed or inconclusive resources can be resolved: a verified one is a 400.
local flow = require("flow")  -- stdlib/flow.lua: step, template, group
local here = flow.here()      -- this script's folder, where files/ is
assert(emulator, "this flow needs the emulator: its magic file names pick the results")

-- 1. The session.
local template = flow.template("Customer onboarding")
local session = yousign.workflow_sessions.create{
  workflow_template_id = template.id,
  name = "Onboarding of Kelly Smith",
}
flow.step(1, "POST /v3/workflow_sessions", session)
assert(session.status == "awaiting", "a new session is awaiting, not " .. session.status)

-- 2. In the sandbox, inconclusive_id_document_verification.pdf gives an inconclusive result
--    (IDDV_1103: the file could not be read). We upload our sample ID card under that name.
local verification = yousign.verifications.identity_documents.create{
  file = { path = here .. "/files/id_card.pdf", name = "inconclusive_id_document_verification.pdf" },
  first_name = "Kelly",
  last_name = "Smith",
  workflow_session_id = session.id,
}
flow.step(2, "POST /v3/verifications/identity_documents", verification)
assert(verification.status == "inconclusive", "the verification should be inconclusive, not " .. verification.status)
session = yousign.workflow_sessions.get(session.id)
print(("Verification: %s (%s); identity group: %s; session: %s."):format(verification.status,
  table.concat(verification.status_codes, ", "), flow.group(session, "identity_verification").status, session.status))
print()
assert(flow.group(session, "identity_verification").status == "blocked", "an inconclusive verification blocks its group")
assert(session.status == "blocked", "a blocked group blocks the session, not " .. session.status)

-- 3. Resolve the action: name the resource (id and type) and say why (at most 150 characters).
local resolved = yousign.workflow_sessions.resolve_action(session.id, {
  resource = { id = verification.id, type = "identity_document_verification" },
  reason = "Checked by a human at the branch",
})
flow.step(3, "POST /v3/workflow_sessions/" .. session.id .. "/resolve_action", resolved)
assert(resolved == true, "resolve_action answers 204 No Content, which the binding returns as true")

-- 4. The action's resolution holds the reason and the time; its resource is still inconclusive.
session = yousign.workflow_sessions.get(session.id)
local identity = flow.group(session, "identity_verification")
flow.step(4, "GET /v3/workflow_sessions/" .. session.id .. " (identity group)", identity)
local action = identity.actions[1]
assert(action.resolution, "the action has no resolution")
assert(action.resolution.reason == "Checked by a human at the branch", "the resolution keeps the reason")
assert(action.resolution.resolved_at, "the resolution is dated")
assert(action.resource.status == "inconclusive", "resolving leaves the resource's status alone")
assert(yousign.verifications.identity_documents.get(verification.id).status == "inconclusive",
       "the verification itself is still inconclusive")
assert(identity.status == "done", "a resolved action counts as verified: the group should be done, not " .. identity.status)
assert(session.status == "ongoing", "identity done and signature awaiting: the session should be ongoing, not " .. session.status)
print(("Resolved at %s: identity group %s, session %s."):format(action.resolution.resolved_at, identity.status, session.status))
print()

-- 5. A verified document needs no resolution: the API refuses it.
local verified = yousign.verifications.identity_documents.create{
  file = here .. "/files/verified_id_document_verification.pdf",
  first_name = "Kelly",
  last_name = "Smith",
  workflow_session_id = session.id,
}
assert(verified.status == "verified", "the second document should be verified, not " .. verified.status)
local ok, err = pcall(yousign.workflow_sessions.resolve_action, session.id, {
  resource = { id = verified.id, type = "identity_document_verification" },
  reason = "Nothing to resolve",
})
assert(not ok and yousign.is_error(err), "resolving a verified resource should fail")
assert(err.status == 400 and err.type == "workflow_session.action_not_resolvable", "unexpected error: " .. tostring(err))
print("== 5. Resolving a verified verification")
print(tostring(err))
print()

print(("Kelly Smith's inconclusive identity document was resolved by hand: the identity group is %s, the session %s."):format(
  identity.status, session.status))
