-- Every flow of examples/ ends as its comments say, each on a fresh emulator:
--   onboard test --allow-read=examples/files tests/
local function last_line(text)
  return text:match("([^\n]*)\n?$")
end

local endings = {
  ["kyb.lua"] = "Emulated Company SAS's business onboarding is done.",
  ["retry_identity.lua"] = "Kelly Smith's identity is verified after a retry; the onboarding session is ongoing.",
  ["resolve_action.lua"] = "Kelly Smith's inconclusive identity document was resolved by hand: the identity group is done, the session ongoing.",
  ["declined_signature.lua"] = "Kelly declined the first contract (The salary is wrong) and signed the corrected one: the onboarding is done.",
  ["expiry_reactivation.lua"] = "Kelly's contract expired, was reactivated and signed: the onboarding is done.",
  ["onboarding_worker.lua"] = "Kelly Smith's onboarding is done.",
}

describe("examples/", function()
  for _, name in ipairs{ "kyb.lua", "retry_identity.lua", "resolve_action.lua", "declined_signature.lua",
                         "expiry_reactivation.lua", "onboarding_worker.lua" } do
    it(name .. " ends as documented", function()
      local run = run_flow("examples/" .. name)
      expect(run.error).to_be(nil)
      expect(last_line(run.output)).to_be(endings[name])
    end)
  end

  it("hello.lua greets who it is given, and prints its arguments as JSON", function()
    local run = run_flow("examples/hello.lua", "Kelly")
    expect(run.error).to_be(nil)
    local lines = {}
    for line in run.output:gmatch("[^\n]+") do lines[#lines + 1] = line end
    expect(lines[1]).to_be("Hello, Kelly!")
    expect(json.decode(lines[2])).to_equal({ greeting = "hello", name = "Kelly", args = { "Kelly" } })
  end)
end)
