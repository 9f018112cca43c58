"""Makes float64 parameters, not the float32 every torch model starts with."""


class Polynomial(nn.Module):
    def __init__(self, coefficients):
        super().__init__()
        self.coefficients = nn.Parameter(torch.tensor(coefficients, dtype=torch.float64))

    def forward(self, x):
        return sum(c * x**k for k, c in enumerate(self.coefficients))
