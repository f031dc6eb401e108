local a = "a string of some length"
local b = "a string " .. "of some length"
local c = "a different string here"
local same = 0
for i = 0, 75000000 - 1 do
  if a == b then same = same + 1 end
  if a == c then same = same - 1 end
end
print(same)
