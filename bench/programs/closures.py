def make_adder(n):
    def add(x):
        return x + n
    return add
total = 0
for i in range(8000000):
    add = make_adder(i)
    total = total + add(1)
print(total)
