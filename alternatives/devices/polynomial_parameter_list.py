"""One 0-d parameter per coefficient, in an nn.ParameterList, summed power by power."""


class Polynomial(nn.Module):
    def __init__(self, coefficients):
        super().__init__()
        self.coefficients = nn.ParameterList(
            nn.Parameter(torch.tensor(float(c))) for c in coefficients
        )

    def forward(self, x):
        return sum(c * x**k for k, c in enumerate(self.coefficients))
