local result = 0
for round = 1, 10 do
  local xs = {}
  for i = 0, 1000000 - 1 do xs[#xs + 1] = i end
  local sum = 0
  local i = 0
  while i < #xs do sum = sum + xs[i + 1]; i = i + 1 end
  for _, x in ipairs(xs) do sum = sum + x end
  for i = 1, 1000000 do xs[i] = xs[i] * 2 end
  result = result + sum + xs[1000000]
end
print(string.format("%d", result))
