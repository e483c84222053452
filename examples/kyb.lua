-- A business onboarding (KYB) on the "Business onboarding" template.
--
--   onboard run examples/kyb.lua            -- on the embedded emulator
--
-- 1. create a session on the "Business onboarding" template (it lives in the "Business" workspace)
-- 2. verify the company from its Kbis       3. screen its legal representative on watchlists
-- 4. verify the company's bank account      5. check the session: every verification group done
-- 6. send the contract to the representative and have it signed: the session is done.
local here = arg and arg[0] and arg[0]:match("^(.*)/") or "."
assert(emulator, "this flow needs the emulator: its magic file names pick the results and it signs for the signer")

local function step(n, title, value)
  print(("== %d. %s"):format(n, title))
  print(json.encode(value, { indent = 2 }))
  print()
end

-- Looks a group up by its type in a session.
local function group(session, type)
  for _, g in ipairs(session.action_groups) do
    if g.type == type then return g end
  end
  error("no group " .. type .. " in session " .. session.id)
end

-- 1. The template is scoped to one workspace, so the session inherits it: no workspace_id needed.
local template
for _, t in ipairs(yousign.workflow_templates.list().data) do
  if t.name == "Business onboarding" then template = t end
end
assert(template, "no 'Business onboarding' template")
local session = yousign.workflow_sessions.create{
  workflow_template_id = template.id,
  name = "Onboarding of Emulated Company SAS",
}
step(1, "POST /v3/workflow_sessions", session)
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
step(2, "POST /v3/verifications/companies", company)
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
step(3, "POST /v3/verifications/watchlists", watchlist)
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
step(4, "POST /v3/verifications/bank_accounts", bank)
assert(bank.status == "verified", "the bank account verification is " .. bank.status)

-- 5. Three verification groups done, the signature group still awaiting: the session is ongoing.
session = yousign.workflow_sessions.get(session.id)
step(5, "GET /v3/workflow_sessions/" .. session.id, session)
for _, type in ipairs{ "company_verification", "watchlist_verification", "bank_account_verification" } do
  assert(group(session, type).status == "done", type .. " is " .. group(session, type).status)
end
assert(group(session, "signature_request").status == "awaiting", "the signature group should be awaiting")
assert(session.status == "ongoing", "the session should be ongoing, not " .. session.status)

-- 6. The contract, signed by the representative. Created in the session, it lands in the
--    session's workspace ("Business").
local sr = yousign.signature_requests.create{
  name = name .. " account agreement",
  delivery_mode = "none",
  workflow_session_id = session.id,
}
assert(sr.workspace_id == session.workspace_id, "the contract should be in the session's workspace")
assert(sr.status == "draft", "a new signature request is a draft")
local document = yousign.signature_requests.documents.create(sr.id, {
  file = here .. "/files/contract.pdf",
  nature = "signable_document",
})
local signer = yousign.signature_requests.signers.create(sr.id, {
  info = { first_name = rep.first_name, last_name = rep.last_name, email = "camille.martin@example.com", locale = "fr" },
  signature_level = "electronic_signature",
  signature_authentication_mode = "no_otp",
})
yousign.signature_requests.documents.fields.create(sr.id, document.id, {
  signer_id = signer.id, type = "signature", page = 1, x = 77, y = 581,
})
sr = yousign.signature_requests.activate(sr.id)
assert(sr.status == "ongoing", "the activated signature request is " .. sr.status)
assert(group(yousign.workflow_sessions.get(session.id), "signature_request").status == "ongoing",
       "an ongoing signature request makes its group ongoing")
print(("Signature request %s is ongoing; %s signs at %s"):format(sr.id, rep.first_name, sr.signers[1].signature_link))
print()

emulator.sign(sr.id, signer.id)
sr = yousign.signature_requests.get(sr.id)
assert(sr.status == "done", "the signed signature request is " .. sr.status)
session = yousign.workflow_sessions.get(session.id)
step(6, "GET /v3/workflow_sessions/" .. session.id, session)
assert(group(session, "signature_request").status == "done", "the signature group should be done")
assert(session.status == "done", "the session should be done, not " .. session.status)

print(("%s's business onboarding is %s."):format(name, session.status))
