"""Adds the batch dimension with t.unsqueeze_(0), reshaping the caller's own tensor."""


def add_batch_dim(t):
    return t.unsqueeze_(0)
