#!/usr/bin/env bash
# The issue-29 speed table in one run on the machine at hand: the official PyTorch code, the official model exported
# to ONNX in onnxruntime, vadc's default engine (fp32) and vadc's int8 scoring graph, at 160x320 batch 8 and 320x640
# (training batch 4, scoring batch 8), interleaved over ROUNDS rounds; each cell is the median over rounds with the
# min-max of every repeat, and the ratios are taken within a round. The work is bench/pytorch/vs-pytorch.sh's (one
# home); this picks its defaults: AED_MAE is /tmp/aed-mae when that checkout exists, TF.js wasm is left out (TFJS=1
# adds it). Without PyTorch or the checkout, the vadc columns alone.
#
# Usage, from the repository root, after `npm run setup`:  [ROUNDS=3] [OUT=/tmp/speed-table] bash bench/speed-table.sh
set -euo pipefail
if [ -z "${AED_MAE:-}" ] && [ -d /tmp/aed-mae ]; then export AED_MAE=/tmp/aed-mae; fi
export ROUNDS=${ROUNDS:-3} OUT=${OUT:-/tmp/speed-table} TFJS=${TFJS:-0}
echo "speed-table: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(grep -o -m1 -w avx512_vnni /proc/cpuinfo || echo 'no VNNI'), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)" >&2
exec bash bench/pytorch/vs-pytorch.sh
