"""Exports a trained plate model to the ONNX file preflight ships.

    python export.py --model plate.pt --out plates.onnx [--f16]

Batch norm is folded into the convolutions (torch's exporter does it in eval mode), the input
is `1 × 3 × H × W` with H and W symbolic (preflight gives tract concrete shapes), opset 13.
With --f16 the weights are stored as float16 and cast to float32 when loaded (half the file).
"""

import argparse
import hashlib

import onnx
import torch
from onnx import helper, numpy_helper

from model import PlateNet


def to_f16(path):
    m = onnx.load(path)
    g = m.graph
    new_inits, casts = [], []
    for init in g.initializer:
        arr = numpy_helper.to_array(init)
        if arr.dtype.name == "float32" and arr.size > 16:
            half = numpy_helper.from_array(arr.astype("float16"), init.name + "_f16")
            new_inits.append(half)
            casts.append(helper.make_node("Cast", [half.name], [init.name], to=onnx.TensorProto.FLOAT))
        else:
            new_inits.append(init)
    del g.initializer[:]
    g.initializer.extend(new_inits)
    nodes = list(g.node)
    del g.node[:]
    g.node.extend(casts + nodes)
    onnx.checker.check_model(m)
    onnx.save(m, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--f16", action="store_true")
    args = ap.parse_args()
    net = PlateNet()
    net.load_state_dict(torch.load(args.model))
    net.eval()
    x = torch.rand(1, 3, 320, 480)
    torch.onnx.export(net, x, args.out, input_names=["image"], output_names=["plates"], opset_version=13,
                      dynamic_axes={"image": {2: "h", 3: "w"}, "plates": {2: "h4", 3: "w4"}}, dynamo=False,
                      do_constant_folding=True)
    if args.f16:
        to_f16(args.out)
    m = onnx.load(args.out)
    ops = sorted({n.op_type for n in m.graph.node})
    data = open(args.out, "rb").read()
    print(f"{args.out}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}, ops {ops}")


if __name__ == "__main__":
    main()
