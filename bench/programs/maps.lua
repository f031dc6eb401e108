local m = {}
local count = 0
for i = 0, 600000 - 1 do m["key" .. i] = i; count = count + 1 end
local sum = 0
for i = 0, 600000 - 1 do sum = sum + m["key" .. i] end
local n = {}
for i = 0, 2000000 - 1 do n[i] = i; count = count + 1 end
for i = 0, 2000000 - 1 do sum = sum + n[i] end
print(string.format("%d", sum + count))
