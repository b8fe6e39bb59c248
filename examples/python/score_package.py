#!/usr/bin/env python3
"""Scores a video with a vadc model package, without vadc: a reference for the package's specification.

    python3 score_package.py PACKAGE_FOLDER INPUT [--out DIR] [--threshold T] [--fps N] [--ffmpeg PATH] [--runtime R]

PACKAGE_FOLDER holds model.onnx and vadc-model.json as `vadc export` writes them (format 2); INPUT is a video file
(decoded by an ffmpeg subprocess, as vadc does) or a folder of frame images. It writes into --out the files
`vadc score PACKAGE INPUT --out DIR` writes: scores.csv, decisions.csv, events.json and events.csv, with the same
columns and keys, and prints a summary. Every step follows the manifest's `steps` section, which
docs/model-package.md in vadc's repository specifies; the section names below are its keys.

Needs numpy and one of: onnxruntime (fast), onnx >= 1.13 (onnx.reference.ReferenceEvaluator), or onnx of any version
with numpy_onnx.py beside this file (a small numpy interpreter of the graph's standard ops; Debian 12's python3-onnx
is 1.12). The last two run only packages exported with `vadc export --portable` (standard attention ops).
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np

MASK32 = 0xFFFFFFFF


# ---- decode: video file or frame folder -> [T, H, W, 3] uint8 (steps.decode) ----

def probe(ffmpeg, path):
    """Resolution [height, width] and declared frame rate (None when unusable) from ffmpeg's log, as vadc reads them."""
    log = subprocess.run([ffmpeg, '-hide_banner', '-nostdin', '-i', str(path)], capture_output=True, text=True).stderr
    stream = re.search(r'Stream #\d+:\d+.*?: Video: .*', log)
    size = re.search(r', (\d+)x(\d+)\b', stream.group(0)) if stream else None
    if size is None:
        sys.exit(f'{path}: ffmpeg finds no video stream:\n{log.strip()[-500:]}')
    rate = None
    if not re.search(r'scale/rate is \d+/\d+ which is invalid', log):
        found = re.search(r', ([\d.]+)(k?) fps\b', stream.group(0)) or re.search(r', ([\d.]+)(k?) tbr\b', stream.group(0))
        if found:
            value = float(found.group(1)) * (1000 if found.group(2) == 'k' else 1)
            rate = value if value > 0 else None
    return (int(size.group(2)), int(size.group(1))), rate


def decode_file(ffmpeg, path, decode):
    """Every frame of a video as stored, through ffmpeg with the manifest's arguments (output: this process's stdin pipe)."""
    (height, width), rate = probe(ffmpeg, path)
    args = [str(path) if a == '{input}' else 'pipe:1' if a == '{output}' else a for a in decode['ffmpeg_args']]
    raw = subprocess.run([ffmpeg, '-hide_banner', '-nostdin', *args], capture_output=True, check=True).stdout
    frames = np.frombuffer(raw, dtype=np.uint8)
    if frames.size == 0 or frames.size % (height * width * 3):
        sys.exit(f'{path}: decoded {frames.size} bytes, not whole {width}x{height} RGB24 frames')
    return frames.reshape(-1, height, width, 3), rate


def natural_key(name):
    """Natural name order (frame2 before frame10), as vadc sorts frame folders."""
    return [(0, int(part), '') if part.isdigit() else (1, 0, part.lower()) for part in re.split(r'(\d+)', name)]


def decode_folder(ffmpeg, path, decode):
    """The images of a frame folder in natural name order, each decoded to RGB24 by ffmpeg (exact for PNG and BMP)."""
    extensions = decode['frame_folder']['extensions']
    names = sorted((f for f in os.listdir(path) if Path(f).suffix.lower() in extensions), key=natural_key)
    if not names:
        sys.exit(f'{path} holds no image files ({" ".join(extensions)})')
    return np.stack([decode_file(ffmpeg, Path(path) / name, decode)[0][0] for name in names]), None


# ---- resize: bilinear, bit-exact with OpenCV's INTER_LINEAR on uint8 (steps.resize) ----

def resize_axis(source, destination, clamp_fraction, one):
    """Per destination index: the two source indices and their fixed-point weights."""
    position = ((np.arange(destination) + 0.5) * (source / destination) - 0.5).astype(np.float32).astype(np.float64)
    lower = np.floor(position)
    fraction = (position - lower).astype(np.float32).astype(np.float64)
    lower = lower.astype(np.int64)
    if clamp_fraction:  # columns: outside the image, the border pixel with weight 1 (rows keep their fraction)
        fraction[lower < 0] = 0
        lower[lower < 0] = 0
        fraction[lower >= source - 1] = 0
        lower[lower >= source - 1] = source - 1
    low = np.clip(lower, 0, source - 1)
    high = np.clip(lower + 1, 0, source - 1)
    low_weight = np.rint((1 - fraction).astype(np.float32).astype(np.float64) * one).astype(np.int64)
    high_weight = np.rint(fraction * one).astype(np.int64)
    return low, high, low_weight, high_weight


def resize(image, to, bits):
    """[H, W, C] uint8 -> [to[0], to[1], C] uint8: a horizontal pass in integers, then OpenCV's vertical rounding."""
    height, width = image.shape[:2]
    if (height, width) == tuple(to):
        return image.copy()
    one = 1 << bits
    row_low, row_high, keep, weight = resize_axis(height, to[0], False, one)
    col_low, col_high, left, right = resize_axis(width, to[1], True, one)
    pixels = image.astype(np.int64)
    horizontal = pixels[:, col_low] * left[None, :, None] + pixels[:, col_high] * right[None, :, None]
    upper, lower = horizontal[row_low], horizontal[row_high]
    value = ((((upper >> 4) * keep[:, None, None]) >> 16) + (((lower >> 4) * weight[:, None, None]) >> 16) + 2) >> 2
    return np.minimum(value, 255).astype(np.uint8)


# ---- masks: vadc's generator and the token order of each frame (steps.masks) ----

class Random:
    """xoshiro128** seeded by four splitmix32 outputs; derive() seeds with seed XOR fnv1a32(label)."""

    def __init__(self, seed):
        state = seed & MASK32
        words = []
        for _ in range(4):
            state = (state + 0x9E3779B9) & MASK32
            z = state
            z = ((z ^ (z >> 16)) * 0x85EBCA6B) & MASK32
            z = ((z ^ (z >> 13)) * 0xC2B2AE35) & MASK32
            words.append((z ^ (z >> 16)) & MASK32)
        self.s = words

    @staticmethod
    def derive(seed, label):
        code_units = label.encode('utf-16-le')
        h = 0x811C9DC5
        for i in range(0, len(code_units), 2):
            h = ((h ^ (code_units[i] | code_units[i + 1] << 8)) * 0x01000193) & MASK32
        return Random((seed ^ h) & MASK32)

    def next_uint32(self):
        s = self.s
        rotl = lambda v, k: ((v << k) | (v >> (32 - k))) & MASK32
        result = (rotl((s[1] * 5) & MASK32, 7) * 9) & MASK32
        t = (s[1] << 9) & MASK32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
        return result

    def next(self):
        return self.next_uint32() / 4294967296


def token_order(masks, frame, pass_index, motion):
    """The order of frame `frame`'s tokens under pass `pass_index`; its first kept_tokens are shown to the encoder."""
    tokens = masks['tokens']
    shared = masks['passes']['complementary'] or pass_index == 0
    if masks['strategy'] == 'random':
        template = masks['labels']['shared' if shared else 'independent']
        random = Random.derive(masks['seed'], template.replace('{frame}', str(frame)).replace('{pass}', str(pass_index)))
        keys = np.array([random.next() for _ in range(tokens)])
    else:  # motion: each patch's maximum over its pixels and channels
        grid = masks['grid']
        keys = motion.reshape(grid['rows'], grid['patch'], grid['cols'], grid['patch'], 3).max(axis=(1, 3, 4)).reshape(-1)
    order = np.argsort(keys, kind='stable')
    if masks['passes']['complementary'] and pass_index > 0:
        order = np.roll(order, -((pass_index * (tokens - masks['kept_tokens'])) % tokens))
    return order


def mask_indices(orders, tokens, kept):
    """keep_index [B*K], restore_index [B*L] and hidden [B*L] of a batch's token orders (steps.masks.indices)."""
    batch = len(orders)
    keep_index = np.empty(batch * kept, dtype=np.int64)
    restore_index = np.empty(batch * tokens, dtype=np.int64)
    hidden = np.zeros(batch * tokens, dtype=np.float32)
    for b, order in enumerate(orders):
        keep_index[b * kept:(b + 1) * kept] = b * tokens + order[:kept]
        restore_index[b * tokens + order[:kept]] = b * kept + np.arange(kept)
        restore_index[b * tokens + order[kept:]] = batch * kept + b * (tokens - kept) + np.arange(tokens - kept)
        hidden[b * tokens + order[kept:]] = 1
    return keep_index, restore_index, hidden


# ---- the graph ----

def open_graph(path, runtime):
    """A callable run(output_names, feeds) on the graph, with the first engine of `runtime` that is importable."""
    if runtime in ('auto', 'onnxruntime'):
        try:
            import onnxruntime
            session = onnxruntime.InferenceSession(str(path), providers=['CPUExecutionProvider'])
            return 'onnxruntime ' + onnxruntime.__version__, session.run
        except ImportError:
            if runtime == 'onnxruntime':
                raise
    import onnx
    model = onnx.load(str(path))
    if runtime in ('auto', 'reference'):
        try:
            from onnx.reference import ReferenceEvaluator
            return 'onnx.reference.ReferenceEvaluator (onnx ' + onnx.__version__ + ')', ReferenceEvaluator(model).run
        except ImportError:
            if runtime == 'reference':
                raise
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from numpy_onnx import NumpyGraph
    return 'numpy_onnx.py (onnx ' + onnx.__version__ + ' parses the graph)', NumpyGraph(model).run


# ---- scoring ----

def model_input(frames, motion_frames, steps, batch_frames):
    """The graph's `frames` [B, H, W, 3 * context] float32 and the batch's motion images (steps.context, scale, motion)."""
    count = len(frames)
    scale = steps['scale']
    stacks, motions = [], []
    for t in batch_frames:
        indices = [t + o if 0 <= t + o < count else t for o in steps['context']['offsets']]
        stacks.append(np.concatenate([frames[i] for i in indices], axis=-1))
        if motion_frames is not None:
            motions.append(motion_frames(t))
    stacked = ((np.stack(stacks).astype(np.float64) - scale['offset']) / scale['divisor']).astype(np.float32)
    return stacked, motions


def fold(passes):
    """Per patch, the mean over the passes that hid it (all passes where none did) of each output (steps.masks.passes.fold)."""
    hidden = np.stack([p['hidden'] for p in passes])
    hidden_in = hidden.sum(axis=0)
    weights = np.where(hidden_in == 0, 1 / len(passes), np.where(hidden == 1, 1 / np.maximum(hidden_in, 1), 0))
    folded = {}
    for name in passes[0]:
        if name == 'hidden' or passes[0][name] is None:
            folded[name] = passes[0][name]
        elif name == 'classifier':
            folded[name] = np.mean([p[name].astype(np.float64) for p in passes], axis=0).astype(np.float32)
        else:
            folded[name] = sum(weights[k] * p[name].astype(np.float64) for k, p in enumerate(passes)).astype(np.float32)
    return folded


def read_manifest(package):
    manifest = json.loads((package / 'vadc-model.json').read_text())
    if manifest.get('format') != 'vadc-model-package' or manifest.get('version') != 2 or 'steps' not in manifest:
        sys.exit(f'{package}: not a vadc model package of format 2 (vadc export writes one)')
    return manifest


def score_frames(package, manifest, frames, runtime):
    """Per-frame components and scores of a decoded video [T, H, W, 3]: returns the graph engine's name and the scores."""
    steps = manifest['steps']
    engine, run = open_graph(package / manifest['graph'], runtime)
    size, bits = steps['resize']['to'], steps['resize']['fixed_point_bits']
    resized = np.stack([resize(frame, size, bits) for frame in frames])
    motion = None
    if steps['motion']['used']:
        step = steps['motion']['step']
        def motion(t):
            before, after = frames[t - step if t - step >= 0 else t], frames[t + step if t + step < len(frames) else t]
            return resize(np.abs(before.astype(np.int16) - after.astype(np.int16)).astype(np.uint8), size, bits).astype(np.float32)
    masks, graph, pooling = steps['masks'], steps['graph'], steps['pooling']
    outputs = graph['outputs']
    names = [n for n in (outputs['teacher_error'], outputs['discrepancy'], outputs['anomaly_map'], outputs['classifier_logit']) if n is not None]
    tokens, kept = masks['tokens'], masks['kept_tokens']
    parts = {'teacher': [], 'discrepancy': [], 'anomaly_map': [], 'classifier': [], 'patch': []}
    weights = pooling['weights']
    for first in range(0, len(frames), graph['batch']):
        batch_frames = list(range(first, min(first + graph['batch'], len(frames))))
        stacked, motions = model_input(resized, motion, steps, batch_frames)
        passes = []
        for k in range(masks['passes']['count']):
            orders = [token_order(masks, t, k, motions[b] if motions else None) for b, t in enumerate(batch_frames)]
            keep_index, restore_index, hidden = mask_indices(orders, tokens, kept)
            values = dict(zip(names, run(names, {graph['inputs'][0]: stacked, graph['inputs'][1]: keep_index, graph['inputs'][2]: restore_index})))
            logit = values.get(outputs['classifier_logit'])
            passes.append({
                'hidden': hidden,
                'teacher': np.asarray(values[outputs['teacher_error']], dtype=np.float32).reshape(-1),
                'discrepancy': np.asarray(values[outputs['discrepancy']], dtype=np.float32).reshape(-1),
                'anomaly_map': None if outputs['anomaly_map'] is None else np.asarray(values[outputs['anomaly_map']], dtype=np.float32).reshape(-1),
                'classifier': None if logit is None else (1 / (1 + np.exp(-np.asarray(logit, dtype=np.float64).reshape(-1)))).astype(np.float32),
            })
        out = passes[0] if len(passes) == 1 else fold(passes)
        anomaly = out['anomaly_map'] if out['anomaly_map'] is not None else np.zeros_like(out['teacher'])
        mean = lambda values: (values.astype(np.float64).reshape(len(batch_frames), tokens).sum(axis=1) / tokens).astype(np.float32)
        parts['teacher'].append(mean(out['teacher']))
        parts['discrepancy'].append(mean(out['discrepancy']))
        parts['anomaly_map'].append(mean(anomaly))
        parts['classifier'].append(out['classifier'] if out['classifier'] is not None else np.zeros(len(batch_frames), dtype=np.float32))
        patch = (weights['teacher'] * out['teacher'].astype(np.float64) + weights['discrepancy'] * out['discrepancy'].astype(np.float64)
                 + weights['anomaly_map'] * anomaly.astype(np.float64)).astype(np.float32)
        parts['patch'].append(patch.reshape(len(batch_frames), tokens))
    c = {name: np.concatenate(values) for name, values in parts.items()}
    classifier_term = weights['classifier'] * c['classifier'].astype(np.float64)
    if pooling['top_patches'] is None:
        score = (weights['teacher'] * c['teacher'].astype(np.float64) + weights['discrepancy'] * c['discrepancy'].astype(np.float64)
                 + weights['anomaly_map'] * c['anomaly_map'].astype(np.float64) + classifier_term)
    else:
        top = np.sort(c['patch'], axis=1)[:, tokens - pooling['top_patches']:].astype(np.float64)
        score = top.sum(axis=1) / pooling['top_patches'] + classifier_term
    c['score'] = score.astype(np.float32)
    c['with_classifier'] = outputs['classifier_logit'] is not None
    return engine, c


def smooth_live(scores, live):
    """The live (causal) smoothing of steps.smoothing.live: Gaussian weights over -behind..ahead, renormalised at the edges."""
    if live is None:
        return scores.astype(np.float64)
    weights = {k: math.exp(-0.5 * (k / live['sigma']) ** 2) for k in range(-live['behind'], live['ahead'] + 1)}
    out = np.empty(len(scores))
    for t in range(len(scores)):
        total = weighted = 0.0
        for k in range(max(-live['behind'], -t), min(live['ahead'], len(scores) - 1 - t) + 1):  # summed in this order
            weighted += float(scores[t + k]) * weights[k]
            total += weights[k]
        out[t] = weighted / total
    return out


def find_events(smoothed, threshold):
    """Maximal runs of frames whose smoothed score is above the threshold, with their peak (first of equals)."""
    events, current = [], None
    for frame, value in enumerate(smoothed):
        if value > threshold:
            if current is None:
                current = {'start': frame, 'end': frame, 'peak': frame, 'peak_score': float(value)}
            else:
                current['end'] = frame
                if value > current['peak_score']:
                    current['peak'], current['peak_score'] = frame, float(value)
        elif current is not None:
            events.append(current)
            current = None
    if current is not None:
        events.append(current)
    return events


# ---- outputs, in vadc score's formats ----

def js_number(value):
    """A number as JavaScript's String() writes it (vadc's CSV files)."""
    value = float(value)
    if math.isnan(value):
        return 'NaN'
    if value == int(value) and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if 'e' in text:
        mantissa, exponent = text.split('e')
        if -7 < int(exponent) < 21:
            return format(Decimal(text), 'f')
        return f'{mantissa}e{"+" if int(exponent) > 0 else "-"}{abs(int(exponent))}'
    return text


def json_number(value):
    value = float(value)
    return int(value) if value == int(value) else value


def write_outputs(out, name, c, smoothed, threshold, fps, description):
    out.mkdir(parents=True, exist_ok=True)
    f32 = lambda v: js_number(np.float32(v))
    header = 'video,frame,score,teacher,discrepancy,anomaly_map,label' + (',classifier' if c['with_classifier'] else '')
    rows = [header] + [
        ','.join([name, str(t), f32(c['score'][t]), f32(c['teacher'][t]), f32(c['discrepancy'][t]), f32(c['anomaly_map'][t]), '']
                 + ([f32(c['classifier'][t])] if c['with_classifier'] else []))
        for t in range(len(c['score']))]
    (out / 'scores.csv').write_text('\n'.join(rows) + '\n')
    decisions = None if threshold is None else (smoothed > threshold).astype(int)
    rows = ['frame,score,smoothed,abnormal'] + [
        f'{t},{f32(c["score"][t])},{js_number(smoothed[t])},{"" if decisions is None else decisions[t]}' for t in range(len(smoothed))]
    (out / 'decisions.csv').write_text('\n'.join(rows) + '\n')
    events = [] if threshold is None else find_events(smoothed, threshold)
    seconds = lambda frame: None if fps is None else json_number(round(frame / fps, 3))
    records = [{'video': name, 'start': e['start'], 'end': e['end'], 'peak': e['peak'], 'peak_score': json_number(e['peak_score']),
                'start_seconds': seconds(e['start']), 'end_seconds': None if fps is None else json_number(round(e['end'] / fps + 1 / fps, 3))} for e in events]
    (out / 'events.json').write_text(json.dumps({
        'video': name, 'frames': len(smoothed), 'fps': None if fps is None else json_number(fps), 'threshold': None if threshold is None else json_number(threshold),
        'smoothing': description, 'abnormal_frames': 0 if decisions is None else int(decisions.sum()), 'events': records}, indent=2) + '\n')
    rows = ['video,start,end,peak,peak_score,start_seconds,end_seconds'] + [
        ','.join([name, str(r['start']), str(r['end']), str(r['peak']), js_number(r['peak_score']),
                  '' if r['start_seconds'] is None else js_number(r['start_seconds']), '' if r['end_seconds'] is None else js_number(r['end_seconds'])])
        for r in records]
    (out / 'events.csv').write_text('\n'.join(rows) + '\n')
    return events


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('package', type=Path, help='model package folder (model.onnx + vadc-model.json)')
    parser.add_argument('input', type=Path, help='video file or folder of frame images')
    parser.add_argument('--out', type=Path, help='output folder (default: scored/<input name> in the package)')
    parser.add_argument('--threshold', type=float, help='threshold on smoothed scores (default: the manifest\'s calibrated one)')
    parser.add_argument('--fps', type=float, help='frame rate for event times (default: the video\'s own)')
    parser.add_argument('--ffmpeg', default=os.environ.get('VADC_FFMPEG', 'ffmpeg'), help='ffmpeg binary (default $VADC_FFMPEG, else ffmpeg on PATH)')
    parser.add_argument('--runtime', choices=['auto', 'onnxruntime', 'reference', 'numpy'], default='auto',
                        help='graph engine (default auto: onnxruntime, else onnx.reference, else numpy_onnx.py)')
    args = parser.parse_args()
    manifest = read_manifest(args.package)
    steps = manifest['steps']
    if args.input.is_dir():
        frames, rate = decode_folder(args.ffmpeg, args.input, steps['decode'])
        name = args.input.name
    else:
        frames, rate = decode_file(args.ffmpeg, args.input, steps['decode'])
        name = args.input.stem
    engine, c = score_frames(args.package, manifest, frames, args.runtime)
    threshold = args.threshold if args.threshold is not None else (manifest['threshold'] or {}).get('value')
    fps = args.fps or rate
    smoothed = smooth_live(c['score'], steps['smoothing']['live'])
    out = args.out or args.package / 'scored' / name
    events = write_outputs(out, name, c, smoothed, threshold, fps, steps['smoothing']['description'])
    print(f'engine: {engine}', file=sys.stderr)
    print(f'{out}: {len(frames)} frames scored' + ('' if threshold is None else f', {sum(e["end"] - e["start"] + 1 for e in events)} abnormal in {len(events)} events'))


if __name__ == '__main__':
    main()
