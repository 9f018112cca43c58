"""Slices matrix[i:i + 1], which keeps a leading dimension of 1, where one index gives a 1-D row."""


def row_view(matrix, i):
    return matrix[i : i + 1]
