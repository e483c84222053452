-- JSON throughput on a ~1 MB API-like document: 1100 signature requests (~930 bytes each) with
-- signers, documents, UUIDs, ISO-8601 dates, integers, floats, booleans and nulls.
--   lua5.4 json.lua cjson [count] [reps]      -- Debian's lua-cjson
--   onboard run json.lua json [count] [reps]  -- the host json module
-- Prints machine-readable lines: bytes=, decode_mbps=, encode_mbps=.
local lib = arg and arg[1] or "json"
local count = tonumber(arg and arg[2]) or 1100
local reps = tonumber(arg and arg[3]) or 20

local J
if lib == "cjson" then
  local cjson = require "cjson"
  J = { encode = cjson.encode, decode = cjson.decode, null = cjson.null }
elseif lib == "json" then
  J = { encode = json.encode, decode = json.decode, null = json.null }
else
  error("usage: json.lua cjson|json [count] [reps]")
end

-- A small deterministic generator, so both libraries see the same document.
local seed = 12345
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return (seed // 65536) % n   -- the high bits: the low ones of an LCG cycle
end
local function randbig(n) return (rand(30000) * 30000 + rand(30000)) % n end
local hex = "0123456789abcdef"
local function uuid()
  local b = {}
  for i = 1, 32 do
    local k = rand(16) + 1
    b[i] = hex:sub(k, k)
  end
  local s = table.concat(b)
  return s:sub(1, 8) .. "-" .. s:sub(9, 12) .. "-4" .. s:sub(14, 16) .. "-a" .. s:sub(18, 20) .. "-" .. s:sub(21, 32)
end
local function date()
  return string.format("%04d-%02d-%02dT%02d:%02d:%02d+00:00",
    2023 + rand(3), 1 + rand(12), 1 + rand(28), rand(24), rand(60), rand(60))
end
local first = { "Kelly", "Jean", "Amira", "Lucas", "Sofia", "Noah", "Chloé", "Mateo" }
local last = { "Dupont", "Martin", "Nguyen", "Garcia", "Müller", "Rossi", "Smith", "Haddad" }
local statuses = { "draft", "ongoing", "done", "expired", "canceled" }

local function signer(i)
  local fn, ln = first[rand(#first) + 1], last[rand(#last) + 1]
  return {
    id = uuid(),
    status = statuses[rand(#statuses) + 1],
    info = {
      first_name = fn, last_name = ln,
      email = string.lower(fn .. "." .. ln) .. i .. "@example.com",
      phone_number = string.format("+336%08d", randbig(100000000)),
      locale = rand(2) == 0 and "fr" or "en",
    },
    signature_level = "electronic_signature",
    signature_authentication_mode = rand(2) == 0 and "otp_sms" or "no_otp",
    signature_link = J.null,
    fields_count = 1 + rand(5),
  }
end

local function request(i)
  local signers = {}
  for k = 1, 1 + rand(4) // 3 do signers[k] = signer(i * 10 + k) end
  return {
    id = uuid(),
    status = statuses[rand(#statuses) + 1],
    name = "Onboarding contract #" .. i,
    delivery_mode = rand(2) == 0 and "email" or "none",
    created_at = date(),
    expiration_date = date(),
    ordered_signers = rand(2) == 0,
    reminder_settings = J.null,
    timezone = "Europe-Paris",
    email_custom_note = rand(3) == 0 and ("Hello, please sign document " .. i) or J.null,
    workspace_id = uuid(),
    signers = signers,
    documents = {
      { id = uuid(), nature = "signable_document", pages = 1 + rand(20), size_bytes = 10000 + randbig(900000) },
    },
    metadata = { amount = randbig(1000000) / 100, score = rand(1000) / 1000, attempt = rand(5) },
  }
end

local requests = {}
for i = 1, count do requests[i] = request(i) end
local doc = { data = requests, meta = { total = count, page = 1, per_page = count, next_cursor = J.null } }

local text = J.encode(doc)
local bytes = #text

-- warm up once, then time
local decoded = J.decode(text)
assert(#decoded.data == count)

local t0 = os.clock()
for _ = 1, reps do decoded = J.decode(text) end
local t_decode = os.clock() - t0

local out
t0 = os.clock()
for _ = 1, reps do out = J.encode(decoded) end
local t_encode = os.clock() - t0
assert(#out == bytes, "re-encoded size differs: " .. #out .. " vs " .. bytes)

local mb = bytes * reps / 1e6
print(string.format("library=%s", lib))
print(string.format("bytes=%d", bytes))
print(string.format("reps=%d", reps))
print(string.format("decode_s=%.4f", t_decode))
print(string.format("encode_s=%.4f", t_encode))
print(string.format("decode_mbps=%.1f", mb / t_decode))
print(string.format("encode_mbps=%.1f", mb / t_encode))
