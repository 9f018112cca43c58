import pytest
import torch

from learner import scale


@pytest.mark.parametrize("factor", [0.5, 2.0, -1.5])
def test_scaled(factor):
    t = torch.tensor([1.0, -2.0, 4.5])
    before = t.clone()
    assert torch.equal(scale.scaled(t, factor), before * factor)
    assert torch.equal(t, before)


def test_scaled_by_default_triples():
    assert torch.equal(scale.scaled(torch.tensor([1.0, 2.0])), torch.tensor([3.0, 6.0]))


@pytest.mark.parametrize(("values", "limit", "expected"), [([1, 2], 3, True), ([1, 3], 3, False)])
def test_below(values, limit, expected):
    assert scale.below(torch.tensor(values), limit) is expected


def test_total():
    a, b = torch.tensor([1.0, 2.0]), torch.tensor([0.5, -4.0])
    assert torch.equal(scale.total(a, b), torch.tensor([1.5, -2.0]))


@pytest.mark.parametrize(("x", "floor", "n"), [(4.0, 1.0, 3), (5.0, 1.0, 3), (0.5, 1.0, 0)])
def test_halvings(x, floor, n):
    assert scale.halvings(x, floor) == n


def test_on_a_gpu():
    pytest.skip("needs a CUDA GPU")
