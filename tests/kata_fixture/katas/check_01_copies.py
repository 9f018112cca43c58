import torch

from learner import copies


def test_frozen_keeps_the_values():
    t = torch.tensor([1.0, 2.0, 3.0])
    assert torch.equal(copies.frozen(t), t)


def test_frozen_has_its_own_memory():
    t = torch.tensor([1.0, 2.0, 3.0])
    copy = copies.frozen(t)
    t.add_(1)
    assert torch.equal(copy, torch.tensor([1.0, 2.0, 3.0]))


def test_doubled_changes_t_in_place():
    t = torch.tensor([1.0, -2.0])
    assert copies.doubled(t) is t
    assert torch.equal(t, torch.tensor([2.0, -4.0]))
