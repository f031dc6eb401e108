local check = 0
local seed = 42
for round = 0, 3 do
  local xs = {}
  for i = 1, 1000000 do
    seed = (seed * 16807) % 2147483647
    xs[i] = seed
  end
  table.sort(xs)
  check = check + xs[1] + xs[500001] + xs[1000000]
end
print(check)
