"""Reads the coefficients highest power first, as numpy.polyval does."""


class Polynomial(nn.Module):
    def __init__(self, coefficients):
        super().__init__()
        self.coefficients = nn.Parameter(torch.tensor(coefficients, dtype=torch.float32))

    def forward(self, x):
        result = torch.zeros_like(x)
        for c in self.coefficients:
            result = result * x + c
        return result
