local a = ""
local b = ""
for i = 1, 64 do a = a .. "x"; b = b .. "x" end
local c = string.sub(a, 1, 63) .. "y"
local same = 0
for i = 0, 40000000 - 1 do
  if a == b then same = same + 1 end
  if a == c then same = same - 1 end
end
print(same)
