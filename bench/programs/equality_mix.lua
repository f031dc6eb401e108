local n = nil; local t = true; local x = 1.5; local s = "str"; local l = {1}; local m = {k = 1}
local hits = 0
local _
for i = 0, 10000000 - 1 do
  _ = 1 == nil; _ = "str" == 1; _ = true == "str"; _ = nil == nil; _ = 2; _ = "literal"; _ = true
  if n == nil then hits = hits + 1 end
  if t == true then hits = hits + 1 end
  if x == 1.5 then hits = hits + 1 end
  if s == "str" then hits = hits + 1 end
  if l == l then hits = hits + 1 end
  if m == nil then hits = hits - 1 end
  if s == x then hits = hits - 1 end
  if t ~= false then hits = hits + 1 end
end
print(hits)
