"""A small ONNX interpreter in numpy: the standard ops of a vadc scoring graph exported with --portable.

score_package.py uses it when neither onnxruntime nor onnx's own ReferenceEvaluator (onnx >= 1.13) is importable,
e.g. with Debian 12's python3-onnx 1.12, whose `onnx` parses graphs but cannot run them. It computes in the graph's
float32, node by node in the stored (topological) order, and only the nodes the asked outputs need. An op it does
not know is an error naming the op (a graph exported without --portable uses onnxruntime's com.microsoft
MultiHeadAttention, which only onnxruntime runs).
"""
import math

import numpy as np
from onnx import numpy_helper

_erf = np.vectorize(math.erf, otypes=[np.float64])


def _attributes(node):
    values = {}
    for attribute in node.attribute:
        if attribute.type == attribute.INT:
            values[attribute.name] = attribute.i
        elif attribute.type == attribute.FLOAT:
            values[attribute.name] = attribute.f
        elif attribute.type == attribute.INTS:
            values[attribute.name] = list(attribute.ints)
        elif attribute.type == attribute.STRING:
            values[attribute.name] = attribute.s.decode()
        elif attribute.type == attribute.TENSOR:
            values[attribute.name] = numpy_helper.to_array(attribute.t)
    return values


def _reshape(data, shape):
    shape = [data.shape[i] if size == 0 else int(size) for i, size in enumerate(shape)]
    return data.reshape(shape)


def _slice(data, starts, ends, axes=None, steps=None):
    axes = range(len(starts)) if axes is None else axes
    steps = [1] * len(starts) if steps is None else steps
    index = [slice(None)] * data.ndim
    for start, end, axis, step in zip(starts, ends, axes, steps):
        index[int(axis)] = slice(int(start), int(end), int(step))
    return data[tuple(index)]


def _conv(x, w, b=None, group=1, pads=None, strides=None, dilations=None, **_):
    n, channels, height, width = x.shape
    out_channels, per_group, kh, kw = w.shape
    pads = pads or [0, 0, 0, 0]
    strides = strides or [1, 1]
    dilations = dilations or [1, 1]
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    out_h = (x.shape[2] - dilations[0] * (kh - 1) - 1) // strides[0] + 1
    out_w = (x.shape[3] - dilations[1] * (kw - 1) - 1) // strides[1] + 1
    out = np.zeros((n, out_channels, out_h, out_w), dtype=np.float32)
    per_out = out_channels // group
    for g in range(group):
        xs = x[:, g * per_group:(g + 1) * per_group]
        ws = w[g * per_out:(g + 1) * per_out]
        for i in range(kh):
            for j in range(kw):
                top, left = i * dilations[0], j * dilations[1]
                window = xs[:, :, top:top + strides[0] * out_h:strides[0], left:left + strides[1] * out_w:strides[1]]
                out[:, g * per_out:(g + 1) * per_out] += np.einsum('nchw,mc->nmhw', window, ws[:, :, i, j])
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out


def _batch_norm(x, scale, bias, mean, var, epsilon=1e-5, **_):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return ((x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + np.float32(epsilon)) * scale.reshape(shape) + bias.reshape(shape)).astype(np.float32)


def _layer_norm(x, scale, bias=None, axis=-1, epsilon=1e-5, **_):
    axes = tuple(range(axis % x.ndim, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + np.float32(epsilon)) * scale
    return (y if bias is None else y + bias).astype(np.float32)


def _gemm(a, b, c=None, alpha=1.0, beta=1.0, transA=0, transB=0, **_):
    y = np.float32(alpha) * ((a.T if transA else a) @ (b.T if transB else b))
    return (y if c is None else y + np.float32(beta) * c).astype(np.float32)


def _softmax(x, axis=-1, **_):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _reduce(op):
    def reduce(x, axes_input=None, axes=None, keepdims=1, **_):
        axes = axes if axes_input is None else list(axes_input)
        return op(x, axis=None if axes is None else tuple(axes), keepdims=bool(keepdims))
    return reduce


# op name -> function(*inputs, **attributes)
OPS = {
    'Abs': lambda x: np.abs(x),
    'Add': lambda a, b: a + b,
    'BatchNormalization': _batch_norm,
    'Cast': lambda x, to=1: x.astype({1: np.float32, 6: np.int32, 7: np.int64, 11: np.float64}[to]),
    'Concat': lambda *xs, axis=0: np.concatenate(xs, axis=axis),
    'Conv': _conv,
    'Div': lambda a, b: a / b,
    'Erf': lambda x: _erf(x).astype(x.dtype),
    'Exp': lambda x: np.exp(x),
    'Expand': lambda x, shape: np.array(np.broadcast_to(x, np.broadcast_shapes(x.shape, tuple(int(s) for s in shape)))),
    'Gather': lambda data, indices, axis=0: np.take(data, indices, axis=axis),
    'Gemm': _gemm,
    'Identity': lambda x: x,
    'LayerNormalization': _layer_norm,
    'Log': lambda x: np.log(x),
    'MatMul': lambda a, b: np.matmul(a, b),
    'Min': lambda *xs: np.minimum.reduce(np.broadcast_arrays(*xs)),
    'Mul': lambda a, b: a * b,
    'Neg': lambda x: -x,
    'ReduceMean': _reduce(np.mean),
    'ReduceSum': _reduce(np.sum),
    'Relu': lambda x: np.maximum(x, 0),
    'Reshape': lambda data, shape, allowzero=0: _reshape(data, shape),
    'Shape': lambda x, start=0, end=None: np.array(x.shape[start:end], dtype=np.int64),
    'Sigmoid': lambda x: 1 / (1 + np.exp(-x)),
    'Slice': _slice,
    'Softmax': _softmax,
    'Sqrt': lambda x: np.sqrt(x),
    'Sub': lambda a, b: a - b,
    'Transpose': lambda x, perm=None: np.transpose(x, perm),
}


class NumpyGraph:
    """Runs an onnx.ModelProto's graph with numpy: `run(output_names, feeds)` as onnxruntime's session.run."""

    def __init__(self, model):
        self.graph = model.graph
        unknown = sorted({f'{node.domain + "." if node.domain else ""}{node.op_type}' for node in self.graph.node if node.domain not in ('', 'ai.onnx') or node.op_type not in OPS})
        if unknown:
            raise NotImplementedError(f'numpy_onnx runs standard ops only; this graph has {", ".join(unknown)}'
                                      ' (a package exported without --portable needs onnxruntime: re-export with vadc export --portable)')
        self.initializers = {tensor.name: numpy_helper.to_array(tensor) for tensor in self.graph.initializer}

    def run(self, output_names, feeds):
        needed = set(output_names)
        nodes = []
        for node in reversed(self.graph.node):
            if any(name in needed for name in node.output):
                nodes.append(node)
                needed.update(name for name in node.input if name)
        values = dict(self.initializers)
        values.update(feeds)
        for node in reversed(nodes):
            inputs = [values[name] if name else None for name in node.input]
            while inputs and inputs[-1] is None:
                inputs.pop()
            attributes = _attributes(node)
            if node.op_type in ('ReduceMean', 'ReduceSum') and len(inputs) > 1:
                attributes['axes_input'] = inputs.pop()
            result = OPS[node.op_type](*inputs, **attributes)
            values[node.output[0]] = result
        return [values[name] for name in output_names]
