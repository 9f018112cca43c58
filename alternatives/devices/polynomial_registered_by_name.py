"""Registers c0, c1, ... one by one with register_parameter and sums the powers of x."""


class Polynomial(nn.Module):
    def __init__(self, coefficients):
        super().__init__()
        self.degree = len(coefficients) - 1
        for k, c in enumerate(coefficients):
            self.register_parameter(f"c{k}", nn.Parameter(torch.tensor([float(c)])))

    def forward(self, x):
        powers = torch.stack([x**k for k in range(self.degree + 1)], dim=-1)
        weights = torch.cat([getattr(self, f"c{k}") for k in range(self.degree + 1)])
        return (powers * weights).sum(-1)
