#!/usr/bin/env bash
# Writes every plan the project promises to keep byte-identical into one folder, so a
# core change can be checked with `diff -r BEFORE AFTER`:
#   bash scripts/plan-snapshot.sh target/plans-before      # on the old commit
#   bash scripts/plan-snapshot.sh target/plans-after       # on the new one
#   diff -r target/plans-before target/plans-after && echo identical
# The zoo (MLS and SLS, D = 10 and 32, with the DP table at D = 10), the branching
# YOLOv2 written as a DAG, mixed clusters, `coopai reproduce`, and, when DARKNET_CFG
# names copies of Darknet's cfg/ folders (see tests/corpus_real/README.md), the large
# real cfgs. COOPAI names the binary (default: a fresh release build).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: plan-snapshot.sh OUTDIR}
mkdir -p "$out"
if [ -z "${COOPAI:-}" ]; then
    cargo build --quiet --release --bin coopai
    COOPAI="${CARGO_TARGET_DIR:-target}/release/coopai"
fi

solve() { # NAME ARGS...: one plan, or the one-line refusal, into NAME.json
    local name=$1
    shift
    "$COOPAI" solve --json "$@" >"$out/$name.json" 2>&1 || true
}

# The zoo as src/model/zoo.rs lists it (NAMES).
zoo=$(sed -n '/pub const NAMES/,/];/p' src/model/zoo.rs | grep -o '"[a-z0-9]*"' | tr -d '"')
for model in $zoo; do
    for algorithm in mls sls; do
        for devices in 10 32; do
            solve "$model-$algorithm-$devices" --model "$model" --algorithm "$algorithm" --devices "$devices"
        done
    done
    solve "$model-dp-10" --model "$model" --devices 10 --dp
done
solve yolov2-dag --model tests/models/yolov2-dag.json --devices 10
for cluster in 4x13.6@4096,2x30@8192,1x53@8192 3x13.6,1x50@2048 2x1,2x4,1x16; do
    for model in vgg16 resnet18 yolov2; do
        solve "cluster-$model-$cluster" --model "$model" --bandwidth 300 --cluster "$cluster"
    done
done
"$COOPAI" reproduce >"$out/reproduce.txt" 2>&1 || true

if [ -n "${DARKNET_CFG:-}" ]; then
    for cfg in pjreddie/densenet201 pjreddie/resnet152 pjreddie/resnet50 pjreddie/yolov3 \
        alexeyab/yolov4 alexeyab/yolov4-tiny alexeyab/efficientnet-lite3 alexeyab/csdarknet53-omega; do
        for devices in 10 32; do
            solve "cfg-${cfg//\//-}-$devices" --model "$DARKNET_CFG/$cfg.cfg" --devices "$devices"
        done
    done
fi
echo "plan-snapshot: $(ls "$out" | wc -l) files in $out"
