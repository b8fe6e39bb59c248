#!/usr/bin/env bash
# Writes the parity fixtures of the official aed-mae code (bench/pytorch/parity-fixtures.py) and runs vadc's parity
# test against them. The small configuration's fixtures are committed (test/fixtures/aed-mae/small); the Avenue-sized
# ones (about 55 MB) are written to $OUT and tested from there.
#
# Usage, from the repository root, after `npm run setup`:
#   apt-get install -y python3-torch python3-scipy
#   AED_MAE=/path/to/ristea/aed-mae bash bench/pytorch/parity-fixtures.sh            # rewrites the small fixtures
#   AED_MAE=/path/to/ristea/aed-mae CONFIG=avenue OUT=/tmp/aed-mae-avenue bash bench/pytorch/parity-fixtures.sh
set -euo pipefail
: "${AED_MAE:?set AED_MAE to a checkout of ristea/aed-mae}"
CONFIG=${CONFIG:-small}
OUT=${OUT:-test/fixtures/aed-mae/$CONFIG}
/usr/bin/python3 bench/pytorch/parity-fixtures.py --repo "$AED_MAE" --config "$CONFIG" --out "$OUT"
VADC_PARITY_FIXTURES=$(realpath "$OUT") npx vitest run packages/cli/src/official-parity.test.ts
