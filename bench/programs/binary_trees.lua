local Tree = {}
Tree.__index = Tree
local function new(left, right) return setmetatable({left = left, right = right}, Tree) end
function Tree:check()
  if self.left == nil then return 1 end
  return 1 + self.left:check() + self.right:check()
end
local function make(depth)
  if depth == 0 then return new(nil, nil) end
  return new(make(depth - 1), make(depth - 1))
end
local maxDepth = 15
local longLived = make(maxDepth)
local total = 0
for depth = 4, maxDepth, 2 do
  local iterations = 2 ^ (maxDepth - depth + 4)
  local check = 0
  for i = 1, iterations do check = check + make(depth):check() end
  total = total + check
end
print(string.format("%d", total + longLived:check()))
