-- CPU-bound: loops, tables and strings (allocation and the GC, not calls).
local n = tonumber(arg and arg[1]) or 1000000

-- a table of n integers, then a pass over it
local t = {}
for i = 1, n do t[i] = i * 3 end
local sum = 0
for i = 1, #t do sum = sum + t[i] end

-- a hash table keyed by strings
local h = {}
for i = 1, n // 10 do h["k" .. i] = i end
local hits = 0
for i = 1, n // 10, 3 do if h["k" .. i] then hits = hits + 1 end end

-- string.format into a buffer, then table.concat
local parts = {}
for i = 1, n // 10 do
  parts[#parts + 1] = string.format("%d:%s:%.2f", i, "id-" .. i, i / 7)
end
local s = table.concat(parts, ",")

print(sum, hits, #s)
