total = 0
i = 0
while i < 80000000:
    total = total + i
    i = i + 1
print(total)
