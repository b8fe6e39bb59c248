"""Parity fixtures: the official aed-mae model (ristea/aed-mae) at a given configuration, its checkpoints saved as the
official training saves them, and its outputs for fixed frames, motion and masks, for vadc's parity test
(packages/cli/src/import/official-parity.test.ts).

Runs with Debian's python3-torch: /usr/bin/python3 bench/pytorch/parity-fixtures.py --repo <aed-mae checkout> --out DIR
(bench/pytorch/parity-fixtures.sh wraps it). einops, timm and ml_collections are not packaged by Debian; ./shims holds
the few names the official code imports from them. Nothing of the official code is copied here: it is imported.

What it writes to DIR:
  checkpoint-best.pth, checkpoint-best-student.pth  util/misc.py save_model's dict (model, optimizer, epoch, scaler, args)
                                                    of two different weight sets: the inference below, as main.py's,
                                                    takes the teacher from the first and the `student` keys from the
                                                    second, so a reader that mixes them up fails the test
  frames.npy [B, 9, H, W], motion.npy [B, 3, H, W]  the inputs (frames in [-1, 1]; motion as the gradient PNGs, 0..255)
  order.npy [B, L] int32                            each frame's mask: the token order of random_masking's argsort (the
                                                    first K = int(L * (1 - mask_ratio)) are kept)
  teacher.npy, student.npy [B, L, p*p*4]            pred_teacher / pred_stud of forward_decoder_TS (eval mode, train_TS)
  scores_l2.npy, scores_l1.npy [2, B]               abnormal_score_TS with L2 / L1: [student-teacher, teacher]
  manifest.json                                     the configuration and the official per-frame score of inference.py
  video/test/clip/<n>.png, video/labels/clip.txt    a short video in vadc's frames layout (the same PNG files, in the
                                                    official layout, go through data/test_dataset.py and
                                                    extract_gradients.py), for `vadc eval` / `vadc score` in fresh
                                                    processes (packages/cli/src/import/official-parity-cli.test.ts)
  video_order.npy [T, L] int32                      each frame's mask in the official inference over that video
  video_teacher.npy, video_student.npy [T, L, p*p*4] its teacher / student predictions
  video_scores.npy [2, T]                           inference.py's abnormal_score_TS (L2, Avenue): [student-teacher, teacher]
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
from functools import partial

HERE = os.path.dirname(os.path.abspath(__file__))

CONFIGS = {
    # A model small enough for committed fixtures; every size differs from the others so a transposed weight shows.
    "small": dict(size=(16, 32), patch=4, embed_dim=16, depth=2, heads=2, decoder_dim=8, decoder_depth=2, decoder_heads=2, batch=2),
    # The paper's Avenue model: configs.py get_configs_avenue + model_factory.py mae_cvt_patch16.
    "avenue": dict(size=(320, 640), patch=16, embed_dim=256, depth=3, heads=4, decoder_dim=128, decoder_depth=3, decoder_heads=4, batch=2),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True, help="a checkout of ristea/aed-mae")
    parser.add_argument("--out", required=True)
    parser.add_argument("--config", choices=sorted(CONFIGS), default="small")
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    sys.path[:0] = [os.path.join(HERE, "shims"), options.repo]
    import numpy as np
    import torch
    from torch import nn
    from configs.configs import get_configs_avenue
    from model.mae_cvt import MaskedAutoencoderCvT
    from util.abnormal_utils import filt

    config = CONFIGS[options.config]
    torch.manual_seed(options.seed)
    args = get_configs_avenue()
    args.input_size = config["size"]

    def build():
        return MaskedAutoencoderCvT(
            img_size=config["size"], patch_size=config["patch"], in_chans=9, out_chans=4,
            embed_dim=config["embed_dim"], depth=config["depth"], num_heads=config["heads"],
            decoder_embed_dim=config["decoder_dim"], decoder_depth=config["decoder_depth"], decoder_num_heads=config["decoder_heads"],
            mlp_ratio=2, norm_layer=partial(nn.LayerNorm, eps=1e-6), use_only_masked_tokens_ab=args.use_only_masked_tokens_ab,
            abnormal_score_func=args.abnormal_score_func, masking_method=args.masking_method,
            grad_weighted_loss=args.grad_weighted_rec_loss).float()

    model = build()
    # Fresh norms are ones and zeros and fresh BatchNorm statistics 0 / 1, which would hide a swapped or dropped
    # tensor: every norm, statistic and token gets values of its own (the morphology weights stay the official zeros).
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if name.startswith(("erosion", "dilation")):
                continue
            if name.endswith("num_batches_tracked"):
                tensor.fill_(123)
            elif name.endswith("running_var"):
                tensor.uniform_(0.5, 1.5)
            elif name.endswith(("running_mean", ".bias")) or "norm" in name or ".bn." in name or name.endswith("_token"):
                base = 1.0 if name.endswith(".weight") else 0.0
                tensor.copy_(base + 0.2 * torch.randn_like(tensor))

    def save(path, epoch):
        # util/misc.py save_model: the same keys; timm's NativeScaler state is a GradScaler's state dict.
        optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95))
        scaler = torch.cuda.amp.GradScaler(enabled=False)
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch,
                    "scaler": scaler.state_dict(), "args": args}, path)

    os.makedirs(options.out, exist_ok=True)
    save(os.path.join(options.out, "checkpoint-best.pth"), 41)
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if tensor.is_floating_point() and not name.startswith(("erosion", "dilation")):
                tensor.add_(0.05 * torch.randn_like(tensor))
    save(os.path.join(options.out, "checkpoint-best-student.pth"), 163)

    # main.py run_type == "inference": teacher checkpoint, `student` keys from the student checkpoint.
    model = build()
    student = torch.load(os.path.join(options.out, "checkpoint-best-student.pth"))["model"]
    teacher = torch.load(os.path.join(options.out, "checkpoint-best.pth"))["model"]
    for key in student:
        if "student" in key:
            teacher[key] = student[key]
    model.load_state_dict(teacher, strict=False)
    model.eval()
    model.train_TS = True

    height, width = config["size"]
    batch = config["batch"]
    frames = torch.rand(batch, 9, height, width) * 2 - 1
    motion = torch.round(torch.rand(batch, 3, height, width) * 255)
    # The test target of data/test_dataset.py: the current frame (channels 3..5) and a zero mask, scaled to [-1, 1].
    targets = torch.cat([frames[:, 3:6], -torch.ones(batch, 1, height, width)], dim=1)

    orders = []
    masking = model.random_masking

    def recorded_masking(x, mask_ratio, grad_mask):
        x_masked, mask, ids_restore = masking(x, mask_ratio, grad_mask)
        orders.append(torch.argsort(ids_restore, dim=1))  # = ids_shuffle
        return x_masked, mask, ids_restore

    model.masking = recorded_masking
    outputs = {}
    with torch.no_grad():
        for func in ("L2", "L1"):
            torch.manual_seed(options.seed + 1)  # the same noise, so the same masks, for both score functions
            model.abnormal_score_func_TS = func
            latent, mask, ids_restore = model.forward_encoder(frames, args.mask_ratio, motion.clone())
            pred_stud, pred_teacher = model.forward_decoder_TS(latent, ids_restore)
            outputs[func] = model.abnormal_score_TS(targets, pred_stud, pred_teacher, mask, motion.clone())
            outputs["teacher"], outputs["student"] = pred_teacher, pred_stud
    assert torch.equal(orders[0], orders[1])
    # The same forward through model(...), as inference.py calls it, gives the same scores.
    with torch.no_grad():
        torch.manual_seed(options.seed + 1)
        model.abnormal_score_func_TS = "L2"
        _, _, _, scores = model(frames, targets=targets, grad_mask=motion.clone(), mask_ratio=args.mask_ratio)
    assert torch.allclose(scores[0], outputs["L2"][0]) and torch.allclose(scores[1], outputs["L2"][1])

    def npy(name, tensor, dtype=np.float32):
        np.save(os.path.join(options.out, f"{name}.npy"), tensor.detach().numpy().astype(dtype))

    npy("frames", frames)
    npy("motion", motion)
    npy("order", orders[0], np.int32)
    npy("teacher", outputs["teacher"])
    npy("student", outputs["student"])
    npy("scores_l2", torch.stack(outputs["L2"]))
    npy("scores_l1", torch.stack(outputs["L1"]))
    video = write_video(model, args, config, options.seed, options.out)
    # inference.py, Avenue: predictions = teacher + student-teacher (L2), per frame, before the temporal filter.
    avenue_score = (outputs["L2"][0] + outputs["L2"][1]).numpy()
    with open(os.path.join(options.out, "manifest.json"), "w") as f:
        json.dump({
            "config": options.config, "seed": options.seed, "torch": torch.__version__, "size": list(config["size"]),
            "patch": config["patch"], "encoder": {"dim": config["embed_dim"], "depth": config["depth"], "heads": config["heads"]},
            "decoder": {"dim": config["decoder_dim"], "depth": config["decoder_depth"], "heads": config["decoder_heads"]},
            "mask_ratio": args.mask_ratio, "batch": batch, "avenue_frame_score": avenue_score.tolist(),
            # evaluate_model's temporal filter of those scores, as if the batch were one video (Avenue: 38, 11).
            "avenue_filtered_score": filt(avenue_score.astype(np.float64), range=38, mu=11).tolist(),
            "video": video,
        }, f, indent=2)
        f.write("\n")


VIDEO_NAME = "clip"
VIDEO_FRAMES = 8
VIDEO_LABELS = [0, 0, 0, 1, 1, 1, 0, 0]
VIDEO_BATCH = 3  # not a divisor of the frame count, so the last batch is short


def write_video(model, args, config, seed, out):
    """A short video of random colour frames through the official test path, as main.py's inference runs it: the PNGs
    in the official layout (test/frames/<video>, the gradients of extract_gradients.py, the gt labels), the official
    AbnormalDatasetGradientsTest (cv2.imread: BGR), a DataLoader in order, and model(...) as inference.py calls it.
    The same PNG files are written in vadc's frames layout under out/video; each frame's mask is recorded."""
    import numpy as np
    import torch
    from PIL import Image
    from data.test_dataset import AbnormalDatasetGradientsTest
    from extract_gradients import compute_gradients
    from util.abnormal_utils import filt

    height, width = config["size"]
    official = tempfile.mkdtemp(prefix="aed-mae-video-")
    frames_folder = os.path.join(official, "test", "frames", VIDEO_NAME)
    gt_folder = os.path.join(official, "gt")
    vadc_folder = os.path.join(out, "video", "test", VIDEO_NAME)
    shutil.rmtree(os.path.join(out, "video"), ignore_errors=True)
    for folder in (frames_folder, gt_folder, vadc_folder, os.path.join(out, "video", "labels")):
        os.makedirs(folder, exist_ok=True)
    generator = np.random.default_rng(seed)
    for index in range(VIDEO_FRAMES):
        rgb = generator.integers(0, 256, (height, width, 3), dtype=np.uint8)
        Image.fromarray(rgb).save(os.path.join(vadc_folder, f"{index}.png"))
        shutil.copyfile(os.path.join(vadc_folder, f"{index}.png"), os.path.join(frames_folder, f"{index}.png"))
    np.savetxt(os.path.join(gt_folder, f"{VIDEO_NAME}.txt"), VIDEO_LABELS)
    with open(os.path.join(out, "video", "labels", f"{VIDEO_NAME}.txt"), "w") as f:
        f.write("".join(f"{label}\n" for label in VIDEO_LABELS))
    compute_gradients(official, 1, "test")
    args.avenue_path, args.avenue_gt_path, args.dataset = official, gt_folder, "avenue"
    loader = torch.utils.data.DataLoader(AbnormalDatasetGradientsTest(args), batch_size=VIDEO_BATCH, shuffle=False)

    orders, students = [], []
    masking, decoder = model.masking, model.forward_decoder_TS

    def recorded_masking(x, mask_ratio, grad_mask):
        x_masked, mask, ids_restore = masking(x, mask_ratio, grad_mask)
        orders.append(torch.argsort(ids_restore, dim=1))
        return x_masked, mask, ids_restore

    def recorded_decoder(latent, ids_restore):
        pred_stud, pred_teacher = decoder(latent, ids_restore)
        students.append(pred_stud)
        return pred_stud, pred_teacher

    model.masking, model.forward_decoder_TS = recorded_masking, recorded_decoder
    teachers, scores, names = [], [[], []], []
    torch.manual_seed(seed + 2)
    with torch.no_grad():
        for samples, grads, targets, _label, _video, frame_names in loader:
            model.train_TS = True
            model.abnormal_score_func_TS = "L2"  # inference.py, Avenue
            _, pred_teacher, _, recon_error_st_tc = model(samples, targets=targets, grad_mask=grads, mask_ratio=args.mask_ratio)
            teachers.append(pred_teacher)
            scores[0] += recon_error_st_tc[0].tolist()
            scores[1] += recon_error_st_tc[1].tolist()
            names += [os.path.basename(name) for name in frame_names]
    model.masking, model.forward_decoder_TS = masking, decoder
    shutil.rmtree(official)
    assert names == [f"{index}.png" for index in range(VIDEO_FRAMES)], names

    def npy(name, tensor, dtype=np.float32):
        np.save(os.path.join(out, f"{name}.npy"), np.asarray(tensor, dtype=dtype))

    npy("video_order", torch.cat(orders).numpy(), np.int32)
    npy("video_teacher", torch.cat(teachers).numpy())
    npy("video_student", torch.cat(students).numpy())
    npy("video_scores", scores)
    frame_score = np.array(scores[0]) + np.array(scores[1])
    return {
        "name": VIDEO_NAME, "frames": VIDEO_FRAMES, "labels": VIDEO_LABELS, "batch": VIDEO_BATCH, "mask_seed": seed + 2,
        # inference.py, Avenue: teacher + student-teacher per frame, then evaluate_model's filt (range 38, mu 11).
        "frame_score": frame_score.tolist(), "filtered_score": filt(frame_score, range=38, mu=11).tolist(),
    }


if __name__ == "__main__":
    main()
