#!/usr/bin/env bash
# The fixed runs whose model bytes a refactoring must keep (issue 12): sha256 of each model file.
# Usage: bash scripts/fixed-runs.sh dist/cli/main.js OUTDIR   (run it on two builds and diff the output)
set -e
CLI=$1; D=$2; mkdir -p $D; rm -f $D/*.json
q="--quiet"
node $CLI train $q --monotone none --epochs 300 --out $D/default.json
node $CLI train $q --data data/hr-sample.csv --target is_promoted --layers 32,16 --optimizer adam --l2 0.001 --val 0.2 --patience 10 --class-weight balanced --epochs 60 --out $D/hr.json
node $CLI train $q --monotone none --batch-size full --epochs 200 --out $D/full.json
node $CLI train $q --monotone none --batch-size 1 --epochs 20 --out $D/batch1.json
node $CLI train $q --data data/hr-sample.csv --target is_promoted --layers 8 --optimizer adam --lr 0.01 --epochs 40 --checkpoint-every 10 --out $D/resume-base.json
node $CLI train $q --data data/hr-sample.csv --target is_promoted --layers 8 --optimizer adam --lr 0.01 --epochs 20 --checkpoint-every 10 --out $D/resume-part.json
node $CLI train $q --resume $D/resume-part.json.ckpt.json --epochs 40 --out $D/resumed.json
node $CLI train $q --data data/hr-sample.csv --target is_promoted --layers 64,64 --activation relu --optimizer adam --lr 0.003 --batch-size 256 --epochs 10 --threads 2 --out $D/threads2.json
node $CLI train $q --data data/hr-sample.csv --target is_promoted --layers 16,8 --activation tanh --optimizer momentum --lr 0.05 --loss mse --epochs 15 --out $D/tanh-mse.json
rm -f $D/*.ckpt.json
(cd $D && sha256sum *.json)
