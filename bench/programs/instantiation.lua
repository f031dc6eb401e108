local Foo = {}
Foo.__index = Foo
function Foo.new(a) return setmetatable({a = a}, Foo) end
local total = 0
for i = 0, 6000000 - 1 do
  local foo = Foo.new(i)
  total = total + foo.a
end
print(string.format("%d", total))
