class Tree:
    def __init__(self, left, right):
        self.left = left
        self.right = right
    def check(self):
        if self.left is None:
            return 1
        return 1 + self.left.check() + self.right.check()
def make(depth):
    if depth == 0:
        return Tree(None, None)
    return Tree(make(depth - 1), make(depth - 1))
max_depth = 15
long_lived = make(max_depth)
total = 0
for depth in range(4, max_depth + 1, 2):
    iterations = 2 ** (max_depth - depth + 4)
    check = 0
    for i in range(iterations):
        check = check + make(depth).check()
    total = total + check
print(total + long_lived.check())
