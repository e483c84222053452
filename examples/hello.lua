-- The smallest flow: prints a greeting and what the script was given.
--   scripts/onboard run examples/hello.lua Kelly
local json = require("json")

local name = ... or "world"
print(("Hello, %s!"):format(name))
print(json.encode({ greeting = "hello", name = name, args = json.array(arg) }))
