"""Forgets super().__init__(), so the module cannot take a parameter at all."""


class Polynomial(nn.Module):
    def __init__(self, coefficients):
        self.coefficients = nn.Parameter(torch.tensor(coefficients, dtype=torch.float32))

    def forward(self, x):
        return sum(c * x**k for k, c in enumerate(self.coefficients))
