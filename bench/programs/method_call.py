class Toggle:
    def __init__(self, state):
        self.state = state
    def value(self):
        return self.state
    def activate(self):
        self.state = not self.state
        return self
toggle = Toggle(True)
count = 0
for i in range(12000000):
    if toggle.activate().value():
        count = count + 1
print(count)
