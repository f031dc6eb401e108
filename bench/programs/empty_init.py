class Point:
    def __init__(self):
        pass
made = 0
for i in range(10000000):
    p = Point()
    made = made + 1
print(made)
