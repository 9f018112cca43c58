import torch

from learner import sums


def test_total_of_a_vector():
    assert sums.total(torch.tensor([1, 2, 3])).item() == 6


def test_total_of_a_matrix():
    assert sums.total(torch.tensor([[1.5, 2.0], [-1.0, 0.5]])).item() == 3.0
