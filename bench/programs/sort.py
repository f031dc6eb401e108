check = 0
seed = 42
for round in range(4):
    xs = []
    for i in range(1000000):
        seed = (seed * 16807) % 2147483647
        xs.append(seed)
    xs = sorted(xs)
    check = check + xs[0] + xs[500000] + xs[999999]
print(check)
