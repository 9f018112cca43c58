"""Keeps one nn.Parameter per coefficient in a plain Python list, which the module cannot see."""


class Polynomial(nn.Module):
    def __init__(self, coefficients):
        super().__init__()
        self.coefficients = [nn.Parameter(torch.tensor(float(c))) for c in coefficients]

    def forward(self, x):
        return sum(c * x**k for k, c in enumerate(self.coefficients))
