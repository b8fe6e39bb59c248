"""Just enough of einops' `rearrange` for the official aed-mae model (einops is not packaged by Debian).

Patterns are `left -> right` with axis names and parenthesised groups; sizes of split groups come as keywords."""
import math


def _parse(side):
    groups, current = [], None
    for token in side.replace("(", " ( ").replace(")", " ) ").split():
        if token == "(":
            current = []
        elif token == ")":
            groups.append(current)
            current = None
        elif current is not None:
            current.append(token)
        else:
            groups.append([token])
    return groups


def rearrange(tensor, pattern, **sizes):
    left, right = (_parse(side) for side in pattern.split("->"))
    known = dict(sizes)
    for group, extent in zip(left, tensor.shape):
        unknown = [name for name in group if name not in known]
        if len(unknown) > 1:
            raise ValueError(f"rearrange: cannot infer {unknown} in {pattern}")
        if unknown:
            known[unknown[0]] = extent // math.prod(known[name] for name in group if name in known)
    elementary = [name for group in left for name in group]
    x = tensor.reshape([known[name] for name in elementary])
    order = [elementary.index(name) for group in right for name in group]
    x = x.permute(order)
    return x.reshape([math.prod(known[name] for name in group) for group in right])
