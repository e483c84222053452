-- A business onboarding (KYB) on the "Business onboarding" template.
--
--   onboard run --allow-read=examples/files examples/kyb.lua            -- on the embedded emulator
--
-- 1. create a session on the "Business onboarding" template (it lives in the "Business" workspace)
-- 2. verify the company from its Kbis       3. screen its legal representative on watchlists
-- 4. verify the company's bank account      5. check the session: every verification group done
-- 6. send the contract to the representative and have it signed: the session is done.
local flow = require("flow")  -- stdlib/flow.lua: step, template, group, send_contract
local here = flow.here()      -- this script's folder, where files/ is
assert(emulator, "this flow needs the emulator: its magic file names pick the results and it signs for the signer")
local row = ...  -- a row of `onboard batch` (columns company and email, docs/automations.md), or nothing
local customer = type(row) == "table" and row.company or "Emulated Company SAS"
local email = type(row) == "table" and row.email or "camille.martin@example.com"

-- 1. The template is scoped to one workspace, so the session inherits it: no workspace_id needed.
local template = flow.template("Business onboarding")
local session = yousign.workflow_sessions.create{
  workflow_template_id = template.id,
  name = "Onboarding of " .. customer,
}
flow.step(1, "POST /v3/workflow_sessions", session)
assert(session.status == "awaiting", "a new session is awaiting, not " .. session.status)
assert(#session.action_groups == 4, "the template has 4 groups")
assert(session.workspace_id == template.workspaces[1].id, "the session is in the template's workspace")

-- 2. The company, from its Kbis (a PDF; French companies only). The emulator verifies any Kbis
--    whose file name does not start with failed, inconclusive or pending.
local company = yousign.verifications.companies.create{
  file = here .. "/files/kbis.pdf",
  country_code = "FR",
  workflow_session_id = session.id,
}
flow.step(2, "POST /v3/verifications/companies", company)
assert(company.status == "verified", "the company verification is " .. company.status)
local name = company.data.company_information.name
print(("The company is %s (%s)."):format(name, company.data.company_information.company_number))
print()

-- 3. The watchlist check (PEP and sanctions) of the representative the Kbis names.
local rep = company.data.legal_representatives[1]
assert(rep, "the company verification names no legal representative")
local watchlist = yousign.verifications.watchlists.create{
  natural_person = { first_name = rep.first_name, last_name = rep.last_name, born_on = rep.born_on },
  workflow_session_id = session.id,
}
flow.step(3, "POST /v3/verifications/watchlists", watchlist)
assert(watchlist.status == "verified", "the watchlist verification is " .. watchlist.status)
print(("%s %s (%s): PEP %s, sanctions %s."):format(rep.first_name, rep.last_name, rep.title,
  tostring(watchlist.data.politically_exposed_person.active), tostring(watchlist.data.sanctions.active)))
print()

-- 4. The bank account, from a bank details document (RIB) held by the company (legal_person).
--    In the sandbox the file name picks the result: verified_bank_account_verification.pdf.
--    (A bank account lookup with a magic IBAN would join the same group, but it checks a
--    natural person as holder, so the document fits a company better.)
local bank = yousign.verifications.bank_accounts.create{
  file = { path = here .. "/files/rib.pdf", name = "verified_bank_account_verification.pdf" },
  legal_person = { name = name },
  workflow_session_id = session.id,
}
flow.step(4, "POST /v3/verifications/bank_accounts", bank)
assert(bank.status == "verified", "the bank account verification is " .. bank.status)

-- 5. Three verification groups done, the signature group still awaiting: the session is ongoing.
session = yousign.workflow_sessions.get(session.id)
flow.step(5, "GET /v3/workflow_sessions/" .. session.id, session)
for _, type in ipairs{ "company_verification", "watchlist_verification", "bank_account_verification" } do
  assert(flow.group(session, type).status == "done", type .. " is " .. flow.group(session, type).status)
end
assert(flow.group(session, "signature_request").status == "awaiting", "the signature group should be awaiting")
assert(session.status == "ongoing", "the session should be ongoing, not " .. session.status)

-- 6. The contract, signed by the representative (flow.send_contract: the signature request, its
--    document, the signer and her field, then activation). Created in the session, it lands in
--    the session's workspace ("Business").
local sr, signer = flow.send_contract(session, {
  name = name .. " account agreement",
  file = here .. "/files/contract.pdf",
  signer = { first_name = rep.first_name, last_name = rep.last_name, email = email, locale = "fr" },
})
assert(sr.status == "ongoing", "the activated signature request is " .. sr.status)
assert(yousign.signature_requests.get(sr.id).workspace_id == session.workspace_id,
       "the contract should be in the session's workspace") -- activate's answer has no workspace_id
assert(flow.group(yousign.workflow_sessions.get(session.id), "signature_request").status == "ongoing",
       "an ongoing signature request makes its group ongoing")
print(("Signature request %s is ongoing; %s signs at %s"):format(sr.id, rep.first_name, sr.signers[1].signature_link))
print()

emulator.sign(sr.id, signer.id)
sr = yousign.signature_requests.get(sr.id)
assert(sr.status == "done", "the signed signature request is " .. sr.status)
session = yousign.workflow_sessions.get(session.id)
flow.step(6, "GET /v3/workflow_sessions/" .. session.id, session)
assert(flow.group(session, "signature_request").status == "done", "the signature group should be done")
assert(session.status == "done", "the session should be done, not " .. session.status)

print(("%s's business onboarding is %s."):format(name, session.status))
