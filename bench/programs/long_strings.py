a = ""
b = ""
for i in range(64):
    a = a + "x"; b = b + "x"
c = a[0:63] + "y"
same = 0
for i in range(40000000):
    if a == b: same = same + 1
    if a == c: same = same - 1
print(same)
