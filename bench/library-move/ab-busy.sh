#!/bin/bash
# Speed of the library move (issue 25), interleaved A/B: BEFORE = a worktree at e12721a (the last commit before the
# move), AFTER = a worktree at 4285d10 (after it), each set up with `npm run setup`. Set BEFORE/AFTER/OUT to run it.
BEFORE=${BEFORE:-/work/wt/before}; AFTER=${AFTER:-/work/wt/after}
# Interleaved A/B: before the library move (e12721a) vs main HEAD build.
OUT=${OUT:-/tmp/speed/out}; mkdir -p $OUT
for i in 1 2 3 4 5; do
  for v in before after; do
    if [ $v = before ]; then R=$BEFORE; else R=$AFTER; fi
    cd $R
    s=$(date +%s.%N)
    node packages/cli/dist/main.js run recipes/quickstart.yaml --out $OUT/q-$v-$i > $OUT/q-$v-$i.log 2>&1
    e=$(date +%s.%N)
    echo "quickstart $v $i $(echo "$e - $s" | bc) load $(cut -d' ' -f1 /proc/loadavg)" >> $OUT/wall.txt
    node packages/cli/dist/main.js bench bench/recipes/speed-160x320.yaml --mode train --warmup 1 --repeats 3 --steps 2 --json > $OUT/train-$v-$i.json 2>$OUT/train-$v-$i.err
    node packages/cli/dist/main.js bench bench/recipes/speed-160x320.yaml --mode infer --warmup 1 --repeats 3 --steps 3 --json > $OUT/infer-$v-$i.json 2>$OUT/infer-$v-$i.err
  done
done
echo finished >> $OUT/wall.txt
