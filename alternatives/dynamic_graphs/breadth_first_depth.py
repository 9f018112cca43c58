"""Walks the graph level by level; the number of levels holding an operation is the depth."""


def graph_depth(t):
    level, depth = [t.grad_fn], 0
    while True:
        level = [n for n in level if n is not None and type(n).__name__ != "AccumulateGrad"]
        if not level:
            return depth
        depth += 1
        level = list({child: None for n in level for child, _ in n.next_functions})
