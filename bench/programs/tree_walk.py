class Node:
    def __init__(self, depth, value):
        self.value = value
        self.a = None; self.b = None; self.c = None; self.d = None; self.e = None
        if depth > 0:
            self.a = Node(depth - 1, value + 1)
            self.b = Node(depth - 1, value + 2)
            self.c = Node(depth - 1, value + 3)
            self.d = Node(depth - 1, value + 4)
            self.e = Node(depth - 1, value + 5)
    def sum(self):
        if self.a is None:
            return self.value
        return self.value + self.a.sum() + self.b.sum() + self.c.sum() + self.d.sum() + self.e.sum()
total = 0
for round in range(4):
    tree = Node(8, round)
    for walk in range(3):
        total = total + tree.sum()
print(total)
