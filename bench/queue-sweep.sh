#!/usr/bin/env bash
# A 4-cell sweep (4 trainings of a tiny synthetic recipe) locally, through the queue on 1 worker and on 2 workers,
# REPEATS rounds; prints wall seconds per sweep and the queue's own overhead per job as the coordinator measured it
# (the first queued sweep of a worker includes its thread's start: loading TF.js).
# Needs redis-server and the built CLI (npm run setup). Usage: bench/queue-sweep.sh [REPEATS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
vadc="node $root/packages/cli/dist/main.js"
repeats=${1:-3}
work=$(mktemp -d)
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
url=redis://127.0.0.1:$port
redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --save '' --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
redis=$!
workers=()
cleanup() { for pid in "${workers[@]}"; do kill "$pid" 2>/dev/null || true; done; kill "$redis"; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
sleep 1
cat >"$work/cells.yaml" <<'YAML'
vadc: 1
name: cells
data:
  dataset: synthetic
  size: [32, 48]
  synthetic: { seed: 3, train_videos: 2, test_videos: 2, frames: 24, resolution: [48, 72], walkers: [1, 2], anomalies: [running, vehicle] }
model:
  patch: 8
  encoder: { dim: 16, depth: 1, heads: 2 }
  decoder: { dim: 16, depth: 2, heads: 2 }
  student: { after_block: 1, blocks: 1 }
stages:
  - { name: teacher, epochs: 3, batch: 8, optimizer: { adamw: { lr: 1.0e-3 } } }
  - { name: student, epochs: 1, batch: 8, optimizer: { adamw: { lr: 1.0e-3 } } }
scoring: { smoothing: { gaussian: { range: 4, sigma: 1 } }, batch: 8 }
eval: { metrics: [micro_auc] }
runtime: { backend: wasm, seed: 5, threads: 1 }
sweep: { grid: { model.decoder.depth: [2, 3], runtime.seed: [5, 6] } }
YAML
cd "$work"
# One worker on database 1, two on database 2, started before the first round; the rounds alternate local, 1 worker
# and 2 workers so that the other load on the machine falls on all three alike.
for db in 1 2 2; do
  $vadc worker --queue "$url/$db" >"$work/worker-${#workers[@]}.log" 2>&1 &
  workers+=($!)
done
sleep 3
timed() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>"$work/last.err"; end=$(date +%s.%N); echo "$end - $start" | bc; }
for k in $(seq "$repeats"); do
  echo "round $k local: $(timed $vadc sweep cells.yaml --out "local-$k" --json) s"
  for db in 1 2; do
    seconds=$(timed $vadc sweep cells.yaml --out "queue-$db-$k" --json --queue "$url/$db")
    echo "round $k queue, $db worker(s): $seconds s; $(grep 'queue overhead' "$work/last.err")"
  done
done
