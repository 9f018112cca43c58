"""Counts the AccumulateGrad nodes of leaf tensors as operations, one too many on every path."""


def graph_depth(t):
    def depth(node):
        if node is None:
            return 0
        return 1 + max((depth(child) for child, _ in node.next_functions), default=0)

    return depth(t.grad_fn)
