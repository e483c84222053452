-- wrk -s get_session.lua http://127.0.0.1:PORT/v3/workflow_sessions/ID
-- The same GET over and over, with the emulator's API key (ONBOARD_BENCH_KEY to change it).
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local report = require("report")

wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("ONBOARD_BENCH_KEY") or "emulator-test-key")

done = report.done
