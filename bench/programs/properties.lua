local p = {x = 0, y = 0}
for i = 0, 30000000 - 1 do
  p.x = p.x + 1
  p.y = p.y + p.x
end
print(string.format("%d", p.y))
