local function makeAdder(n)
  return function(x) return x + n end
end
local total = 0
for i = 0, 8000000 - 1 do
  local add = makeAdder(i)
  total = total + add(1)
end
print(string.format("%d", total))
