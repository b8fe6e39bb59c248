#!/usr/bin/env bash
# The issue-14 table in one run: the official PyTorch code (Debian python3-torch), vadc on onnxruntime (what
# `runtime.engine: auto` picks with onnxruntime-node installed), vadc on TF.js wasm, and the official model exported
# to ONNX in onnxruntime-node, at the four configurations, interleaved over ROUNDS rounds so that the machine's
# drift hits every column alike. Each line of $OUT/results.jsonl is one measurement; summarize.mjs prints the table.
#
# The scoring configurations also run vadc's int8 scoring graph (`--precision int8`, column onnx-int8; issue 29).
# Without AED_MAE or without a working `import torch` the PyTorch and official-ONNX columns are left out (said on
# stderr), so the vadc columns print on any machine; bench/speed-table.sh is the one-command entry.
#
# Usage, from the repository root, after `npm run setup`:
#   apt-get install -y python3-torch python3-scipy
#   AED_MAE=/path/to/ristea/aed-mae ROUNDS=3 OUT=/tmp/vs-pytorch bash bench/pytorch/vs-pytorch.sh
set -euo pipefail
AED_MAE=${AED_MAE:-}
PYTORCH=1
if [ -z "$AED_MAE" ] || ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "vs-pytorch: no AED_MAE checkout or no PyTorch (/usr/bin/python3 -c 'import torch'): vadc columns only" >&2
  PYTORCH=0
fi
ROUNDS=${ROUNDS:-3}
OUT=${OUT:-/tmp/vs-pytorch}
TFJS=${TFJS:-1}
mkdir -p "$OUT"
PY=/usr/bin/python3
VADC="node packages/cli/dist/main.js"
TS="node --conditions=source --import ./bench/register-ts.mjs"

# name  recipe  mode  size  batch  steps
CONFIGS=(
  "train-160x320-b8 speed-160x320 train 160x320 8 2"
  "infer-160x320-b8 speed-160x320 infer 160x320 8 3"
  "train-320x640-b4 speed-320x640-train train 320x640 4 1"
  "infer-320x640-b8 speed-320x640-infer infer 320x640 8 2"
)

record() { # config engine round json-line
  node -e 'const [c,e,r,l]=process.argv.slice(1);const j=JSON.parse(l);console.log(JSON.stringify({...j,config:c,engine:e,round:+r}))' "$1" "$2" "$3" "$4" >> "$OUT/results.jsonl"
}
vadc_bench() { # recipe mode steps engine [precision] -> one JSON line
  $VADC bench "bench/recipes/$1.yaml" --backend wasm --mode "$2" --engine "$4" --precision "${5:-fp32}" --warmup 2 --repeats 5 --steps "$3" --json 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s.slice(s.indexOf("{")));const m=j[process.argv[1]];console.log(JSON.stringify({chosen:j.engine_choice.engine,frames_per_s:m.frames_per_second,repeats:m.repeats_frames_per_second,peak_rss_gib:j.memory.peak_rss_bytes/2**30}))})' "$2"
}

for size in 160x320 320x640; do
  [ "$PYTORCH" = 1 ] || break
  [ -f "$OUT/official-$size.onnx" ] || $PY bench/pytorch/official-speed.py --repo "$AED_MAE" --mode infer --size "$size" --export-onnx "$OUT/official-$size.onnx" >/dev/null 2>&1
done

for round in $(seq 1 "$ROUNDS"); do
  for config in "${CONFIGS[@]}"; do
    read -r name recipe mode size batch steps <<< "$config"
    echo "round $round $name $(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg)" >&2
    # PyTorch at 1 and at 2 threads (OpenBLAS's pool sized alike): on this machine its OpenMP runs often go slower
    # with 2 threads than with 1, so the table takes, per round, the faster of the two as the reference.
    for threads in 1 2; do
      [ "$PYTORCH" = 1 ] || break
      record "$name" "pytorch-$threads" "$round" "$(OPENBLAS_NUM_THREADS=$threads $PY bench/pytorch/official-speed.py --repo "$AED_MAE" --mode "$mode" --size "$size" --batch "$batch" --steps "$steps" --threads "$threads" --warmup 2 --repeats 5 2>/dev/null | tail -1)"
    done
    # No --engine: what `vadc run` uses by default (auto; onnxruntime-node here, `chosen` in the results says so).
    record "$name" onnx "$round" "$(vadc_bench "$recipe" "$mode" "$steps" auto)"
    if [ "$mode" = infer ]; then
      record "$name" onnx-int8 "$round" "$(vadc_bench "$recipe" "$mode" "$steps" onnx int8)"
    fi
    if [ "$mode" = infer ] && [ "$PYTORCH" = 1 ]; then
      record "$name" official-onnx "$round" "$($TS bench/pytorch/official-onnx-speed.ts "$OUT/official-$size.onnx" --size "$size" --batch "$batch" --steps "$steps" --warmup 2 --repeats 5 | tail -1)"
    fi
    if [ "$TFJS" = 1 ] && [ "$round" = 1 ]; then
      record "$name" tfjs-wasm "$round" "$(vadc_bench "$recipe" "$mode" 1 tfjs)"
    fi
  done
done
node bench/pytorch/summarize.mjs "$OUT/results.jsonl"
