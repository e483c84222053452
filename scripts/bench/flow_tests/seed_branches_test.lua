-- 50 tests of the seed flow's branches, for scripts/bench/run (section j.): each test runs a
-- whole flow on its own emulator. Run from the repository root:
--   onboard test --allow-read=examples/files scripts/bench/flow_tests/
local customers = { { "Kelly", "Smith" }, { "Ada", "Lovelace" }, { "Alan", "Turing" }, { "Grace", "Hopper" },
                    { "Edsger", "Dijkstra" }, { "Barbara", "Liskov" }, { "Donald", "Knuth" } }

local function ends_with(run, text)
  expect(run.error).to_be(nil)
  expect(run.output:match("([^\n]*)\n?$")).to_be(text)
end

describe("identity", function()
  for _, c in ipairs(customers) do
    it("verified at once for " .. c[1], function()
      ends_with(run_flow("examples/onboarding.lua", c[1], c[2]), ("%s %s's onboarding is done."):format(c[1], c[2]))
      expect(yousign.verifications.identity_documents.list().data[1].status).to_be("verified")
    end)
  end
  for i = 1, 7 do
    it("failed, then retried (" .. i .. ")", function()
      ends_with(run_flow("examples/retry_identity.lua"),
        "Kelly Smith's identity is verified after a retry; the onboarding session is ongoing.")
    end)
  end
  for i = 1, 7 do
    it("inconclusive, resolved by hand (" .. i .. ")", function()
      ends_with(run_flow("examples/resolve_action.lua"),
        "Kelly Smith's inconclusive identity document was resolved by hand: the identity group is done, the session ongoing.")
    end)
  end
end)

describe("signature", function()
  for i = 1, 7 do
    it("declined, then signed (" .. i .. ")", function()
      ends_with(run_flow("examples/declined_signature.lua"),
        "Kelly declined the first contract (The salary is wrong) and signed the corrected one: the onboarding is done.")
    end)
  end
  for i = 1, 7 do
    it("expired, reactivated, signed (" .. i .. ")", function()
      ends_with(run_flow("examples/expiry_reactivation.lua"), "Kelly's contract expired, was reactivated and signed: the onboarding is done.")
    end)
  end
end)

describe("faults", function()
  for i = 1, 7 do
    it("a 429 on the session's creation is retried (" .. i .. ")", function()
      emulator.faults{ path = "/workflow_sessions", method = "POST", status = 429, count = 1, retry_after = 0 }
      ends_with(run_flow("examples/onboarding.lua"), "Kelly Smith's onboarding is done.")
    end)
  end
  for i = 1, 7 do
    it("a lost response on the session's creation fails the flow, and the session exists (" .. i .. ")", function()
      emulator.faults{ path = "/workflow_sessions", method = "POST", drop = true, count = 1 }
      local run = run_flow("examples/onboarding.lua")
      expect(run.error).to_match("closed the connection before the response came")
      expect(#yousign.workflow_sessions.list().data).to_be(1)
    end)
  end
  it("no fault is left for the next test", function()
    expect(emulator.faults()).to_equal({})
  end)
end)
