m = {}
for i in range(600000):
    m["key" + str(i)] = i
total = 0
for i in range(600000):
    total = total + m["key" + str(i)]
n = {}
for i in range(2000000):
    n[i] = i
for i in range(2000000):
    total = total + n[i]
print(total + len(m) + len(n))
