-- What the JSON library does with integers: run with "cjson" under lua5.4, "json" under onboard.
local lib = ...
local J
if lib == "cjson" then
  J = require "cjson"
else
  J = json
end
local function show(label, v)
  print(string.format("%-38s %s", label, tostring(v)))
end
show("encode({3})", J.encode({3}))
local d = J.decode("3")
show("decode('3')", d .. " (" .. math.type(d) .. ")")
local d2 = J.decode("[3]")[1]
show("decode('[3]')[1]", d2 .. " (" .. math.type(d2) .. ")")
show("encode(3.0)", J.encode(3.0))
show("encode(decode('[3]'))", J.encode(J.decode("[3]")))
show("encode(2^53+1) (float: 2^53)", J.encode(2^53 + 1))
show("encode(9007199254740993)", J.encode(9007199254740993))
local ok, big = pcall(J.decode, "9007199254740993")
show("decode('9007199254740993')", ok and (string.format("%s (%s)", tostring(big), math.type(big))) or ("error: " .. tostring(big)))
local ok2, rt = pcall(function() return J.encode(J.decode("[9007199254740993]")) end)
show("encode(decode('[9007199254740993]'))", ok2 and rt or ("error: " .. tostring(rt)))
