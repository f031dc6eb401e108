class Foo:
    def __init__(self, a):
        self.a = a
total = 0
for i in range(6000000):
    foo = Foo(i)
    total = total + foo.a
print(total)
