"""Registers the parameters but computes with a copy of the Python floats, so nothing learns."""


class Polynomial(nn.Module):
    def __init__(self, coefficients):
        super().__init__()
        self.coefficients = nn.Parameter(torch.tensor(coefficients, dtype=torch.float32))
        self.values = list(coefficients)

    def forward(self, x):
        return sum(c * x**k for k, c in enumerate(self.values))
