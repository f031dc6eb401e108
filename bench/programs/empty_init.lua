local Point = {}
Point.__index = Point
function Point.new() return setmetatable({}, Point) end
local made = 0
for i = 0, 10000000 - 1 do
  local p = Point.new()
  made = made + 1
end
print(made)
