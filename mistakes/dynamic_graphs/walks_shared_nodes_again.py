"""Recurses into every input, forgetting the nodes it has seen: exponential on shared nodes."""


def graph_depth(t):
    def depth(node):
        if node is None or type(node).__name__ == "AccumulateGrad":
            return 0
        return 1 + max((depth(child) for child, _ in node.next_functions), default=0)

    return depth(t.grad_fn)
