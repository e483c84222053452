-- `onboard trigger EVENT`: makes the emulator produce a webhook event, with whatever objects it
-- needs, as `stripe trigger` does. Each recipe makes its objects through the API (and the
-- emulator's control surface for what a person does: sign, decline, approve) and returns the
-- id of the object the event is about. Used by `onboard trigger`; a flow can require it too:
--
--   local trigger = require("trigger")
--   local id = trigger.run("signature_request.done")
local M = {}

local DAY = 86400

-- A one-page contract, inline: the recipes read no file.
local CONTRACT = [==[
%PDF-1.7
1 0 obj
<< /Type /Catalog /Pages 2 0 R >>
endobj
2 0 obj
<< /Type /Pages /Kids [3 0 R] /Count 1 >>
endobj
3 0 obj
<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>
endobj
4 0 obj
<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>
endobj
5 0 obj
<< /Length 118 >>
stream
BT /F1 14 Tf 72 760 Td 18 TL (Employment contract) ' () ' (Between Acme SAS and Kelly Smith.) ' () ' (Signature:) ' ET
endstream
endobj
xref
0 6
0000000000 65535 f 
0000000009 00000 n 
0000000058 00000 n 
0000000115 00000 n 
0000000241 00000 n 
0000000311 00000 n 
trailer
<< /Size 6 /Root 1 0 R >>
startxref
480
%%EOF
]==]

local function person() return { first_name = "Kelly", last_name = "Smith", email = "kelly.smith@example.com", locale = "en" } end

-- A draft signature request with its document, a signer and her field.
local function draft(options)
  local body = { name = "Contract of Kelly Smith (onboard trigger)", delivery_mode = "none" }
  for k, v in pairs(options or {}) do body[k] = v end
  local sr = yousign.signature_requests.create(body)
  local document = yousign.signature_requests.documents.create(sr.id, {
    file = { name = "contract.pdf", content = CONTRACT, content_type = "application/pdf" }, nature = "signable_document",
  })
  local signer = yousign.signature_requests.signers.create(sr.id, {
    info = person(), signature_level = "electronic_signature", signature_authentication_mode = "no_otp",
  })
  yousign.signature_requests.documents.fields.create(sr.id, document.id, {
    signer_id = signer.id, type = "signature", page = 1, x = 77, y = 581,
  })
  return sr, signer
end

local function ongoing(options)
  local sr, signer = draft(options)
  return yousign.signature_requests.activate(sr.id), signer
end

local function with_approver()
  local sr, signer = draft()
  local approver = yousign.signature_requests.approvers.create(sr.id, {
    info = { first_name = "Ada", last_name = "Approver", email = "ada.approver@example.com", locale = "en" },
  })
  return yousign.signature_requests.activate(sr.id), signer, approver
end

local function expired()
  local sr, signer = ongoing{ expiration_date = os.date("!%Y-%m-%d", os.time() + 2 * DAY) }
  emulator.advance(4 * DAY)
  return sr, signer
end

local function session(template_name)
  local templates = yousign.workflow_templates.list()
  for _, t in ipairs(templates.data or templates) do
    if t.name == (template_name or "Customer onboarding") then
      return yousign.workflow_sessions.create{ workflow_template_id = t.id, name = "Onboarding of Kelly Smith (onboard trigger)" }
    end
  end
  error("the emulator has no workflow template named " .. (template_name or "Customer onboarding"))
end

local function identity(session_id, file)
  return yousign.verifications.identity_documents.create{
    file = { name = file or "verified_id_document_verification.pdf", content = CONTRACT, content_type = "application/pdf" },
    first_name = "Kelly", last_name = "Smith", workflow_session_id = session_id,
  }
end

local function session_with(identity_file)
  local s = session()
  identity(s.id, identity_file)
  return s.id
end

local function upload(kind, name, fields)
  local body = { file = { name = name, content = CONTRACT, content_type = "application/pdf" } }
  for k, v in pairs(fields or {}) do body[k] = v end
  return yousign.verifications[kind].create(body)
end

-- event name -> recipe: returns the id of the object the event is about
M.recipes = {
  ["signature_request.activated"] = function() return (ongoing()).id end,
  ["signer.notified"] = function() local _, signer = ongoing{ delivery_mode = "email" } return signer.id end,
  ["signature_request.done"] = function()
    local sr, signer = ongoing()
    emulator.sign(sr.id, signer.id)
    return sr.id
  end,
  ["signer.done"] = function()
    local sr, signer = ongoing()
    emulator.sign(sr.id, signer.id)
    return signer.id
  end,
  ["signature_request.declined"] = function()
    local sr, signer = ongoing{ signers_allowed_to_decline = true }
    emulator.decline(sr.id, signer.id, "onboard trigger")
    return sr.id
  end,
  ["signer.declined"] = function()
    local sr, signer = ongoing{ signers_allowed_to_decline = true }
    emulator.decline(sr.id, signer.id, "onboard trigger")
    return signer.id
  end,
  ["signature_request.canceled"] = function()
    local sr = ongoing()
    yousign.signature_requests.cancel(sr.id, { reason = "other", custom_note = "onboard trigger" })
    return sr.id
  end,
  ["signature_request.expired"] = function() return (expired()).id end,
  ["signature_request.reactivated"] = function()
    local sr = expired()
    yousign.signature_requests.reactivate(sr.id, { expiration_date = os.date("!%Y-%m-%d", os.time() + 30 * DAY) })
    return sr.id
  end,
  ["signature_request.reminder_executed"] = function()
    local sr, signer = ongoing{ delivery_mode = "email" }
    yousign.signature_requests.signers.send_reminder(sr.id, signer.id)
    return sr.id
  end,
  ["signature_request.deleted"] = function()
    local sr = ongoing()
    yousign.signature_requests.cancel(sr.id, { reason = "other" })
    yousign.signature_requests.delete(sr.id)
    return sr.id
  end,
  ["signature_request.permanently_deleted"] = function()
    local sr = draft()
    yousign.signature_requests.delete(sr.id, { permanent_delete = true })
    return sr.id
  end,
  ["approver.notified"] = function() local _, _, approver = with_approver() return approver.id end,
  ["approver.approved"] = function()
    local sr, _, approver = with_approver()
    emulator.approve(sr.id, approver.id)
    return approver.id
  end,
  ["signature_request.approved"] = function()
    local sr, _, approver = with_approver()
    emulator.approve(sr.id, approver.id)
    return sr.id
  end,
  ["approver.rejected"] = function()
    local sr, _, approver = with_approver()
    emulator.reject(sr.id, approver.id, "onboard trigger")
    return approver.id
  end,
  ["signature_request.rejected"] = function()
    local sr, _, approver = with_approver()
    emulator.reject(sr.id, approver.id, "onboard trigger")
    return sr.id
  end,
  ["verification.identity_document.done"] = function() return identity(nil).id end,
  ["verification.proof_of_address.done"] = function()
    return upload("proofs_of_address", "verified_proof_of_address_verification.pdf").id
  end,
  ["verification.bank_account.done"] = function()
    return upload("bank_accounts", "verified_bank_account_verification.pdf", { legal_person = { name = "Acme SAS" } }).id
  end,
  ["verification.company.done"] = function() return upload("companies", "kbis.pdf", { country_code = "FR" }).id end,
  ["verification.watchlist.done"] = function()
    return yousign.verifications.watchlists.create{
      natural_person = { first_name = "Kelly", last_name = "Smith", born_on = "1990-01-01" },
    }.id
  end,
  ["verification.bank_account_lookup.done"] = function()
    return yousign.verifications.bank_account_lookups.create{
      iban = "FR7630004005503221042773459", natural_person = { first_name = "Kelly", last_name = "Smith" },
    }.id
  end,
  ["verification.identity_video.done"] = function()
    return yousign.verifications.identity_videos.create{
      first_name = "Kelly", last_name = "Smith", redirection_url = "https://example.com/back",
    }.id
  end,
  -- a verified identity document starts the session and its group and finishes the group;
  -- a failed one blocks both
  ["workflow_session.started"] = function() return session_with("verified_id_document_verification.pdf") end,
  ["workflow_action_group.started"] = function() return session_with("verified_id_document_verification.pdf") end,
  ["workflow_action_group.done"] = function() return session_with("verified_id_document_verification.pdf") end,
  ["workflow_action_group.blocked"] = function() return session_with("failed_id_document_verification.pdf") end,
  ["workflow_session.blocked"] = function() return session_with("failed_id_document_verification.pdf") end,
  ["workflow_session.done"] = function()
    local s = session()
    identity(s.id)
    local sr, signer = ongoing{ workflow_session_id = s.id }
    emulator.sign(sr.id, signer.id)
    return s.id
  end,
  ["applicant.notified"] = function()
    local s = session()
    local applicant = yousign.workflow_sessions.applicants.create(s.id, { type = "natural_person", label = "Kelly" })
    yousign.workflow_sessions.links(s.id)   -- handing out the links notifies the applicants
    return applicant.id
  end,
  ["applicant.processed"] = function()
    local s = session()
    local applicant = yousign.workflow_sessions.applicants.create(s.id, { type = "natural_person", label = "Kelly" })
    -- a verification the applicant is asked for (JSON: it awaits their data), then their result
    local verification = yousign.request{ method = "POST", path = "/verifications/identity_documents",
                                          body = { applicant_id = applicant.id } }
    emulator.complete("identity_documents", verification.id, "verified")
    return applicant.id
  end,
  ["document_analysis.done"] = function()
    return yousign.document_analyses.create{
      file = { name = "payslip.pdf", content = CONTRACT, content_type = "application/pdf" }, type = "payslip", country_code = "FR",
      checks = { full_name_check = { first_name = "Kelly", last_name = "Smith" } },
    }.id
  end,
}

--- The events there is a recipe for, sorted.
function M.events()
  local names = {}
  for name in pairs(M.recipes) do names[#names + 1] = name end
  table.sort(names)
  return names
end

--- Makes the emulator produce `event`; returns the id of the object it is about.
function M.run(event)
  local recipe = M.recipes[event]
  if recipe == nil then
    error(("onboard trigger: the emulator cannot be made to send '%s'; `onboard trigger --list` lists the events it can"):format(tostring(event)), 2)
  end
  if emulator == nil then
    error("onboard trigger needs an emulator (its control surface stands in for signers and the clock); this backend is " .. yousign.backend, 2)
  end
  return recipe()
end

return M
