#!/bin/bash
# Speed of the library move (issue 25), interleaved A/B: BEFORE = a worktree at e12721a (the last commit before the
# move), AFTER = a worktree at 4285d10 (after it), each set up with `npm run setup`. Set BEFORE/AFTER/OUT to run it.
BEFORE=${BEFORE:-/work/wt/before}; AFTER=${AFTER:-/work/wt/after}
OUT=${OUT:-/tmp/speed/quiet3}; mkdir -p $OUT
# PAUSE_CWD: processes whose working folder lies under it (another job sharing the cores) are stopped while this
# runs and continued after; unset, nothing is paused.
( while [ -n "$PAUSE_CWD" ] && [ ! -f $OUT/done ]; do for p in /proc/[0-9]*; do c=$(readlink $p/cwd 2>/dev/null); case "$c" in "$PAUSE_CWD"*) kill -STOP ${p#/proc/} 2>/dev/null; echo ${p#/proc/} >> $OUT/stopped;; esac; done; sleep 0.5; done ) &
W=$!
sleep 2
for i in 1 2 3 4; do
  for v in after before; do
    if [ $v = before ]; then R=$BEFORE; else R=$AFTER; fi
    cd $R
    node packages/cli/dist/main.js bench bench/recipes/speed-160x320.yaml --mode both --warmup 1 --repeats 3 --steps 2 --json > $OUT/b-$v-$i.json 2>/dev/null
    echo "$v $i load $(cut -d' ' -f1 /proc/loadavg)" >> $OUT/log.txt
  done
done
touch $OUT/done; wait $W
for p in $(sort -u $OUT/stopped 2>/dev/null); do kill -CONT $p 2>/dev/null; done
echo finished >> $OUT/log.txt
