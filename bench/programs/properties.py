class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y
p = Point(0, 0)
for i in range(30000000):
    p.x = p.x + 1
    p.y = p.y + p.x
print(p.y)
