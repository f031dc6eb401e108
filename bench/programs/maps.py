m = {}
for i in range(300000):
    m["key" + str(i)] = i
total = 0
for i in range(300000):
    total = total + m["key" + str(i)]
n = {}
for i in range(1000000):
    n[i] = i
for i in range(1000000):
    total = total + n[i]
print(total + len(m) + len(n))
