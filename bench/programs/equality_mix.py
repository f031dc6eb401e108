n = None; t = True; x = 1.5; s = "str"; l = [1]; m = {"k": 1}
hits = 0
for i in range(10000000):
    1 == None; "str" == 1; True == "str"; None == None; 2; "literal"; True
    if n == None: hits = hits + 1
    if t == True: hits = hits + 1
    if x == 1.5: hits = hits + 1
    if s == "str": hits = hits + 1
    if l == l: hits = hits + 1
    if m == None: hits = hits - 1
    if s == x: hits = hits - 1
    if t != False: hits = hits + 1
print(hits)
