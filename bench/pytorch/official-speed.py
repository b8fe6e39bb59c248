"""Frames/s of the official aed-mae model (ristea/aed-mae) on this machine, the PyTorch side of `vadc bench`.

Runs with Debian's python3-torch: /usr/bin/python3 bench/pytorch/official-speed.py --repo <aed-mae checkout> ...
einops and timm are not packaged by Debian; ./shims holds the few functions the model imports from them.

train: the teacher stage's step as the official engine_train.py takes it (forward with the gradient-weighted loss,
backward, AdamW with betas 0.9 / 0.95 and no decay on biases and norms); infer: the evaluation forward with the
student (train_TS), under no_grad, as inference.py scores. Inputs are random tensors of the model's shapes.
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True, help="a checkout of ristea/aed-mae")
    parser.add_argument("--mode", choices=["train", "infer"], required=True)
    parser.add_argument("--size", default="160x320", help="HxW")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--steps", type=int, default=2, help="steps per timed repeat")
    parser.add_argument("--mask-ratio", type=float, default=0.5)
    parser.add_argument("--export-onnx", help="write the evaluation model (teacher + student) to this ONNX file and stop")
    return parser.parse_args()


def main():
    args = parse()
    sys.path[:0] = [os.path.join(HERE, "shims"), args.repo]
    import torch
    from model.model_factory import mae_cvt_patch16

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    height, width = (int(v) for v in args.size.split("x"))
    model = mae_cvt_patch16(img_size=(height, width), abnormal_score_func=["L2", "L2"])  # configs/configs.py
    frames = torch.rand(args.batch, 9, height, width)
    targets = torch.rand(args.batch, 4, height, width)
    motion = torch.rand(args.batch, 3, height, width)

    if args.export_onnx:
        model.eval()
        model.train_TS = True

        class Scores(torch.nn.Module):
            def __init__(self, inner):
                super().__init__()
                self.inner = inner

            def forward(self, x, t, g):
                _, teacher, _, (student_teacher, reconstruction) = self.inner(x, t, grad_mask=g, mask_ratio=args.mask_ratio)
                return teacher, student_teacher, reconstruction

        torch.onnx.export(Scores(model), (frames, targets, motion), args.export_onnx, opset_version=17,
                          input_names=["frames", "targets", "motion"],
                          dynamic_axes={"frames": {0: "b"}, "targets": {0: "b"}, "motion": {0: "b"}})
        print(json.dumps({"onnx": args.export_onnx}))
        return

    if args.mode == "train":
        model.train()
        model.train_TS = False
        decay = [p for n, p in model.named_parameters() if p.ndim > 1 and not n.endswith(".bias")]
        no_decay = [p for n, p in model.named_parameters() if not (p.ndim > 1 and not n.endswith(".bias"))]
        optimizer = torch.optim.AdamW([{"params": no_decay, "weight_decay": 0.0},
                                       {"params": decay, "weight_decay": 0.05}], lr=1e-4, betas=(0.9, 0.95))

        def step():
            loss, _, _ = model(frames, grad_mask=motion.clone(), targets=targets, mask_ratio=args.mask_ratio)
            loss.item()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    else:
        model.eval()
        model.train_TS = True

        def step():
            with torch.no_grad():
                model(frames, targets, grad_mask=motion, mask_ratio=args.mask_ratio)

    for _ in range(args.warmup):
        step()
    rates = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        for _ in range(args.steps):
            step()
        rates.append(args.batch * args.steps / (time.perf_counter() - start))
    print(json.dumps({
        "engine": f"pytorch {torch.__version__}", "mode": args.mode, "size": args.size, "batch": args.batch,
        "threads": args.threads, "frames_per_s": {"median": statistics.median(rates), "min": min(rates), "max": max(rates)},
        "repeats": [round(r, 3) for r in rates], "peak_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    }))


if __name__ == "__main__":
    main()
