a = "a string of some length"
b = "".join(["a string ", "of some length"])
c = "a different string here"
same = 0
for i in range(75000000):
    if a == b:
        same = same + 1
    if a == c:
        same = same - 1
print(same)
