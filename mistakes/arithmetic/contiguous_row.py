"""Makes the matrix contiguous first, so a transposed or strided matrix's row is a copy."""


def row_view(matrix, i):
    return matrix.contiguous()[i]
