#!/usr/bin/env bash
# A 4-cell sweep (4 trainings of a tiny synthetic recipe, or of the quickstart) locally, through the queue on 1 worker and on 2 workers,
# REPEATS rounds; prints wall seconds per sweep and the queue's own overhead per job as the coordinator measured it
# (the first queued sweep of a worker includes its thread's start: loading TF.js).
# Needs redis-server and the built CLI (npm run setup). Usage: bench/queue-sweep.sh [REPEATS] [tiny|quickstart]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
vadc="node $root/packages/cli/dist/main.js"
repeats=${1:-3}
recipe=${2:-tiny}
work=$(mktemp -d)
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
url=redis://127.0.0.1:$port
redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --save '' --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
redis=$!
workers=()
cleanup() { for pid in "${workers[@]}"; do kill "$pid" 2>/dev/null || true; done; kill "$redis"; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
sleep 1
if [ "$recipe" = quickstart ]; then
  # The quickstart with a grid of four trainings (jobs carry the resolved Plan, so workers need no recipe file).
  cells=$root/recipes/ablations/quickstart-sweep.yaml
else
cells=$work/cells.yaml
# The CLI tests' tiny recipe (packages/cli/src/test-recipe.ts) with a grid of four trainings.
(cd "$root" && node --conditions=source --import ./bench/register-ts.mjs --input-type=module -e "
  import { tinyRecipe } from './packages/cli/src/test-recipe.ts';
  process.stdout.write(tinyRecipe({ name: 'cells', teacherEpochs: 3, walkers: [1, 2], metrics: ['micro_auc'] }));
") >"$work/cells.yaml"
echo 'sweep: { grid: { model.decoder.depth: [2, 3], runtime.seed: [5, 6] } }' >>"$work/cells.yaml"
fi
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
  echo "round $k local: $(timed $vadc sweep "$cells" --out "local-$k" --json) s"
  for db in 1 2; do
    seconds=$(timed $vadc sweep "$cells" --out "queue-$db-$k" --json --queue "$url/$db")
    echo "round $k queue, $db worker(s): $seconds s; $(grep 'queue overhead' "$work/last.err")"
  done
done
