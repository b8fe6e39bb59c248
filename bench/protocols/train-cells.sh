#!/usr/bin/env bash
# Trains the cells that validation protocols are measured on (issue 24): one `vadc run` per training variant of
# a cell recipe, each varying one thing users vary. Re-running skips cells whose run finished.
# Usage: OUT=/tmp/protocol-runs bash bench/protocols/train-cells.sh ped2|synthetic
# (ped2 needs VADC_PED2_ROOT: the UCSDped2 folder.) Then: bench/protocols/measure.ts
set -euo pipefail
cd "$(dirname "$0")/../.."
source=${1:?usage: train-cells.sh ped2|synthetic}
out=${OUT:-runs/protocols}
vadc() { node packages/cli/dist/main.js "$@"; }
case "$source" in
  ped2)
    recipe=recipes/ablations/protocols-ped2.yaml
    cells=(
      "base|"
      "foreground|synthetic_anomalies.generator=foreground"
      "narrow|model.encoder.dim=32 model.decoder.dim=32"
      "short|stages.0.epochs=5 stages.1.epochs=1"
      "ratio75|masking.ratio=0.75"
      "small-input|data.size=[96,144]"
    ) ;;
  synthetic)
    recipe=recipes/ablations/protocols-synthetic.yaml
    cells=(
      "base|"
      "foreground|synthetic_anomalies.generator=foreground"
      "narrow|model.encoder.dim=16 model.decoder.dim=16"
      "short|stages.0.epochs=2 stages.1.epochs=1"
      "ratio75|masking.ratio=0.75"
      "small-input|data.size=[48,72] model.patch=6"
      "wide|model.encoder.dim=64 model.decoder.dim=64"
      "long|stages.0.epochs=12"
      "ratio30|masking.ratio=0.3"
      "slow-lr|stages.0.optimizer.lr=3e-4 stages.1.optimizer.lr=3e-4"
      "foreground-narrow|synthetic_anomalies.generator=foreground model.encoder.dim=16 model.decoder.dim=16"
      "foreground-long|synthetic_anomalies.generator=foreground stages.0.epochs=12"
    ) ;;
  *) echo "unknown source $source" >&2; exit 2 ;;
esac
for cell in "${cells[@]}"; do
  name=${cell%%|*}; sets=${cell#*|}
  args=(--set "name=protocols-$source-$name")
  for set in $sets; do args+=(--set "$set"); done
  if ls "$out/protocols-$source-$name"/*/run.json >/dev/null 2>&1 && grep -q '"status": "finished"' "$out/protocols-$source-$name"/*/run.json; then
    echo "cell $name: finished before, skipped"; continue
  fi
  echo "cell $name: vadc run $recipe ${args[*]}"
  start=$(date +%s)
  vadc run "$recipe" "${args[@]}" --out "$out" --new > "$out/$source-$name.log" 2>&1 || { echo "cell $name failed: see $out/$source-$name.log"; exit 1; }
  echo "cell $name: $(( $(date +%s) - start )) s"
done
