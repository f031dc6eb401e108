local Toggle = {}
Toggle.__index = Toggle
function Toggle.new(state) return setmetatable({state = state}, Toggle) end
function Toggle:value() return self.state end
function Toggle:activate()
  self.state = not self.state
  return self
end
local toggle = Toggle.new(true)
local count = 0
for i = 0, 12000000 - 1 do
  if toggle:activate():value() then count = count + 1 end
end
print(count)
