local Node = {}
Node.__index = Node
function Node.new(depth, value)
  local self = setmetatable({value = value, a = false, b = false, c = false, d = false, e = false}, Node)
  if depth > 0 then
    self.a = Node.new(depth - 1, value + 1)
    self.b = Node.new(depth - 1, value + 2)
    self.c = Node.new(depth - 1, value + 3)
    self.d = Node.new(depth - 1, value + 4)
    self.e = Node.new(depth - 1, value + 5)
  end
  return self
end
function Node:sum()
  if not self.a then return self.value end
  return self.value + self.a:sum() + self.b:sum() + self.c:sum() + self.d:sum() + self.e:sum()
end
local total = 0
for round = 0, 3 do
  local tree = Node.new(8, round)
  for walk = 0, 2 do total = total + tree:sum() end
end
print(string.format("%d", total))
