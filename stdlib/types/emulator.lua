---@meta emulator
-- LuaLS type definitions of the `emulator` global (the embedded emulator or an `onboard serve`:
-- it stands in for signers, approvers, verifications and the clock). docs/emulator.md.

---@class emulator
emulator = {}

---Signs for a signer of an ongoing signature request.
---@param signature_request_id string
---@param signer_id string
---@return table signature_request
function emulator.sign(signature_request_id, signer_id) end

---Declines for a signer.
---@param signature_request_id string
---@param signer_id string
---@param reason string?
---@return table signature_request
function emulator.decline(signature_request_id, signer_id, reason) end

---Approves for an approver.
---@param signature_request_id string
---@param approver_id string
---@return table signature_request
function emulator.approve(signature_request_id, approver_id) end

---Rejects for an approver.
---@param signature_request_id string
---@param approver_id string
---@param reason string?
---@return table signature_request
function emulator.reject(signature_request_id, approver_id, reason) end

---Completes a pending verification: `emulator.complete("identity_documents", id, "verified")`.
---@param verification_type string the path's name: identity_documents, proofs_of_address, document_analyses...
---@param id string
---@param status string
---@param status_codes string[]?
---@return table verification
function emulator.complete(verification_type, id, status, status_codes) end

---Moves the emulator's clock on (seconds, or "31d", "2h"); what became due runs.
---@param seconds number|string
---@return { now: string, unix: number, offset_seconds: number }
function emulator.advance(seconds) end

---The emulator's clock, Unix seconds.
---@return number
function emulator.now() end

---Empties the emulator and loads its fixtures again.
function emulator.reset() end

---Sets the emulator's clock back to real time.
function emulator.reset_clock() end

---Every webhook delivery with its attempts.
---@return { data: table[] }
function emulator.deliveries() end

---@class emulator.FaultRule
---@field path string like "/signature_requests/*/documents"
---@field method string?
---@field status integer? the status the matching requests get (429, 503...)
---@field drop boolean? lose the response after the emulator acted
---@field count integer? how many requests (default 1)
---@field retry_after number?

---Adds a fault rule (none with no argument); returns the active rules.
---@param rule emulator.FaultRule?
---@return table[]
function emulator.faults(rule) end

---Removes every fault rule.
function emulator.clear_faults() end

---@class emulator.Template
---@field name string
---@field action_groups string[] identity_verification, signature_request, company_verification...
---@field workspaces string[]?
---@field id string?

---Adds workflow templates: `emulator.seed{ templates = { { name = ..., action_groups = {...} } } }`.
---@param fixtures { templates: emulator.Template[] }
---@return { templates: table[] }
function emulator.seed(fixtures) end
