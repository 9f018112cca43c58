"""Follows only the first input of every node, missing deeper paths through the other inputs."""


def graph_depth(t):
    depth, node = 0, t.grad_fn
    while node is not None and type(node).__name__ != "AccumulateGrad":
        depth += 1
        node = node.next_functions[0][0] if node.next_functions else None
    return depth
