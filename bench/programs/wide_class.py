class Wide:
    def __init__(self):
        self.f0 = 0
        self.f1 = 1
        self.f2 = 2
        self.f3 = 3
        self.f4 = 4
        self.f5 = 5
        self.f6 = 6
        self.f7 = 7
        self.f8 = 8
        self.f9 = 9
        self.f10 = 10
        self.f11 = 11
        self.f12 = 12
        self.f13 = 13
        self.f14 = 14
        self.f15 = 15
        self.f16 = 16
        self.f17 = 17
        self.f18 = 18
        self.f19 = 19
        self.f20 = 20
        self.f21 = 21
        self.f22 = 22
        self.f23 = 23
        self.f24 = 24
        self.f25 = 25
        self.f26 = 26
        self.f27 = 27
        self.f28 = 28
        self.f29 = 29
    def m0(self):
        self.f0 = self.f0 + 1
        return self.f1
    def m1(self):
        self.f1 = self.f1 + 1
        return self.f2
    def m2(self):
        self.f2 = self.f2 + 1
        return self.f3
    def m3(self):
        self.f3 = self.f3 + 1
        return self.f4
    def m4(self):
        self.f4 = self.f4 + 1
        return self.f5
    def m5(self):
        self.f5 = self.f5 + 1
        return self.f6
    def m6(self):
        self.f6 = self.f6 + 1
        return self.f7
    def m7(self):
        self.f7 = self.f7 + 1
        return self.f8
    def m8(self):
        self.f8 = self.f8 + 1
        return self.f9
    def m9(self):
        self.f9 = self.f9 + 1
        return self.f10
    def m10(self):
        self.f10 = self.f10 + 1
        return self.f11
    def m11(self):
        self.f11 = self.f11 + 1
        return self.f12
    def m12(self):
        self.f12 = self.f12 + 1
        return self.f13
    def m13(self):
        self.f13 = self.f13 + 1
        return self.f14
    def m14(self):
        self.f14 = self.f14 + 1
        return self.f15
    def m15(self):
        self.f15 = self.f15 + 1
        return self.f16
    def m16(self):
        self.f16 = self.f16 + 1
        return self.f17
    def m17(self):
        self.f17 = self.f17 + 1
        return self.f18
    def m18(self):
        self.f18 = self.f18 + 1
        return self.f19
    def m19(self):
        self.f19 = self.f19 + 1
        return self.f20
    def m20(self):
        self.f20 = self.f20 + 1
        return self.f21
    def m21(self):
        self.f21 = self.f21 + 1
        return self.f22
    def m22(self):
        self.f22 = self.f22 + 1
        return self.f23
    def m23(self):
        self.f23 = self.f23 + 1
        return self.f24
    def m24(self):
        self.f24 = self.f24 + 1
        return self.f25
    def m25(self):
        self.f25 = self.f25 + 1
        return self.f26
    def m26(self):
        self.f26 = self.f26 + 1
        return self.f27
    def m27(self):
        self.f27 = self.f27 + 1
        return self.f28
    def m28(self):
        self.f28 = self.f28 + 1
        return self.f29
    def m29(self):
        self.f29 = self.f29 + 1
        return self.f0
w = Wide()
total = 0
for i in range(600000):
    total = total + w.m0() + w.m1() + w.m2() + w.m3() + w.m4() + w.m5() + w.m6() + w.m7() + w.m8() + w.m9()
    total = total + w.m10() + w.m11() + w.m12() + w.m13() + w.m14() + w.m15() + w.m16() + w.m17() + w.m18() + w.m19()
    total = total + w.m20() + w.m21() + w.m22() + w.m23() + w.m24() + w.m25() + w.m26() + w.m27() + w.m28() + w.m29()
print(total)
