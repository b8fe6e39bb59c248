#!/usr/bin/env bash
# Training speed of two checkouts, interleaved (A, B, A, B, ...) so that a shared machine's load falls on both alike:
# `vadc bench RECIPE --mode train` from source in each, ROUNDS times; prints each run's median and best repeat in
# frames/s (wall clock) and its median frames per CPU second (the process's CPU time: less moved by other processes
# taking the cores, as long as the pool threads do not spin), then per checkout the min / median / max over rounds of
# each, with the ratio B / A of the medians and the per-round ratios. On a shared machine the best repeats are the
# steadiest figure (a repeat that other work slowed is never the best). Extra arguments go to `vadc bench`.
#
# Usage, from anywhere (both checkouts set up with `npm run setup`; A is the baseline):
#   [ROUNDS=5] bash bench/ab-train.sh A_DIR B_DIR RECIPE [vadc bench options...]
# e.g. git worktree add /tmp/base main && (cd /tmp/base && npm run setup)
#      bash bench/ab-train.sh /tmp/base . bench/recipes/speed-160x320.yaml --warmup 1 --repeats 5 --steps 2
set -euo pipefail
a=$(cd "$1" && pwd)
b=$(cd "$2" && pwd)
recipe=$(realpath "$3") # the same recipe file for both
shift 3
rounds=${ROUNDS:-5}
echo "ab-train: A=$a B=$b recipe=$recipe $*; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for round in $(seq 1 "$rounds"); do
  for side in A B; do
    dir=$a
    [ "$side" = B ] && dir=$b
    speed=$(cd "$dir" && node --conditions=source --import ./bench/register-ts.mjs packages/cli/src/main.ts bench "$recipe" --mode train --json "$@" 2>/dev/null \
      | node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>{const t=JSON.parse(s).train;console.log(t.frames_per_second.median.toFixed(2),t.frames_per_second.max.toFixed(2),t.frames_per_cpu_second.median.toFixed(2))})')
    read -r median best cpu <<<"$speed"
    echo "round $round $side: median $median frames/s, best repeat $best, median $cpu frames per CPU second (load $(cut -d' ' -f1 /proc/loadavg))"
    echo "$round $side $speed" >>"$results"
  done
done
node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((line) => line.split(" "));
const side = (s, column) => rows.filter((r) => r[1] === s).map((r) => Number(r[column]));
const median = (v) => { const s = [...v].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const stats = (v) => `min ${Math.min(...v).toFixed(1)} median ${median(v).toFixed(1)} max ${Math.max(...v).toFixed(1)}`;
for (const [column, unit] of [[2, "median frames/s"], [3, "best repeat frames/s"], [4, "median frames per CPU second"]]) {
  const a = side("A", column), b = side("B", column);
  const ratios = a.map((x, i) => b[i] / x);
  console.log(`${unit}: A ${stats(a)}; B ${stats(b)}`);
  console.log(`  B / A ${(median(b) / median(a)).toFixed(3)} (ratio of medians); per round ${ratios.map((r) => r.toFixed(3)).join(" ")}`);
}
' "$results"
