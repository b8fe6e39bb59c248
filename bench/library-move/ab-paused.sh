#!/bin/bash
# Speed of the library move (issue 25), interleaved A/B: BEFORE = a worktree at e12721a (the last commit before the
# move), AFTER = a worktree at 4285d10 (after it), each set up with `npm run setup`.
#   WHAT=quickstart (default): `vadc run recipes/quickstart.yaml`, 6 rounds; the speed is each run's metrics.json
#   WHAT=bench: `vadc bench bench/recipes/speed-160x320.yaml --mode both`, 4 rounds; the speed is its JSON
# PAUSE_CWD: processes whose working folder lies under it (another job sharing the cores) are stopped while this
# runs and continued after; unset, nothing is paused. Results and log.txt go to OUT.
BEFORE=${BEFORE:-/work/wt/before}; AFTER=${AFTER:-/work/wt/after}; WHAT=${WHAT:-quickstart}
OUT=${OUT:-/tmp/speed/$WHAT}; mkdir -p "$OUT"
( while [ -n "$PAUSE_CWD" ] && [ ! -f "$OUT/done" ]; do for p in /proc/[0-9]*; do c=$(readlink $p/cwd 2>/dev/null); case "$c" in "$PAUSE_CWD"*) kill -STOP ${p#/proc/} 2>/dev/null; echo ${p#/proc/} >> "$OUT/stopped";; esac; done; sleep 0.5; done ) &
W=$!
sleep 2
rounds=6; [ "$WHAT" = bench ] && rounds=4
for i in $(seq 1 $rounds); do
  for v in after before; do
    if [ $v = before ]; then R=$BEFORE; else R=$AFTER; fi
    cd "$R"
    if [ "$WHAT" = bench ]; then
      node packages/cli/dist/main.js bench bench/recipes/speed-160x320.yaml --mode both --warmup 1 --repeats 3 --steps 2 --json > "$OUT/b-$v-$i.json" 2>/dev/null
    else
      node packages/cli/dist/main.js run recipes/quickstart.yaml --out "$OUT/q-$v-$i" > "$OUT/q-$v-$i.log" 2>&1
    fi
    echo "$v $i load $(cut -d' ' -f1 /proc/loadavg)" >> "$OUT/log.txt"
  done
done
touch "$OUT/done"; wait $W
for p in $(sort -u "$OUT/stopped" 2>/dev/null); do kill -CONT $p 2>/dev/null; done
echo finished >> "$OUT/log.txt"
