-- Tests of examples/onboarding.lua, the seed flow, on the test's own emulator:
--   onboard test --allow-read=examples/files tests/
describe("the seed flow", function()
  it("ends with the session done", function()
    local run = run_flow("examples/onboarding.lua", "Kelly", "Smith")
    expect(run.error).to_be(nil)
    expect(run.output).to_match("Kelly Smith's onboarding is done%.")
  end)

  it("names the customer it is given", function()
    local run = run_flow("examples/onboarding.lua", "Ada", "Lovelace")
    expect(run.output).to_match("Ada Lovelace's onboarding is done%.")
  end)

  it("leaves one session and one signature request in the emulator", function()
    run_flow("examples/onboarding.lua")
    expect(#yousign.workflow_sessions.list().data).to_be(1)
    expect(#yousign.signature_requests.list().data).to_be(1)
  end)

  it("verifies the identity document the sandbox's file name says is verified", function()
    local run = run_flow("examples/onboarding.lua")
    expect(run.error).to_be(nil)
    local verifications = yousign.verifications.identity_documents.list().data
    expect(#verifications).to_be(1)
    expect(verifications[1].status).to_be("verified")
  end)

  it("reports a 503 on the contract upload as the flow's error", function()
    emulator.faults{ path = "/signature_requests/*/documents", status = 503, count = 10 }
    local run = run_flow("examples/onboarding.lua")
    expect(run.error).to_match("503")
  end)
end)

describe("each test's emulator", function()
  it("starts empty", function()
    expect(#yousign.workflow_sessions.list().data).to_be(0)
  end)
end)

describe("a template of the test's own", function()
  before_each(function()
    emulator.seed{ templates = { { name = "Loan onboarding", action_groups = { "identity_verification", "signature_request" } } } }
  end)

  it("is listed beside the fixtures' three", function()
    local names = {}
    for _, t in ipairs(yousign.workflow_templates.list().data) do names[#names + 1] = t.name end
    expect(names).to_contain("Loan onboarding")
    expect(#names).to_be(4)
  end)

  it("starts a session like any other", function()
    local template
    for _, t in ipairs(yousign.workflow_templates.list().data) do if t.name == "Loan onboarding" then template = t end end
    local session = yousign.workflow_sessions.create{ workflow_template_id = template.id, name = "Loan of Kelly Smith" }
    expect(session.status).to_be("awaiting")
    expect(#session.action_groups).to_be(2)
  end)

  it("refuses an unknown action group type", function()
    expect(function() emulator.seed{ templates = { { name = "X", action_groups = { "telepathy" } } } } end)
      .to_fail_with("'telepathy' is not an action group type")
  end)
end)
