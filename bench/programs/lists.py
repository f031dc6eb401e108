result = 0
for round in range(10):
    xs = []
    for i in range(1000000):
        xs.append(i)
    total = 0
    i = 0
    while i < len(xs):
        total = total + xs[i]
        i = i + 1
    for x in xs:
        total = total + x
    for i in range(1000000):
        xs[i] = xs[i] * 2
    result = result + total + xs[999999]
print(result)
