#!/usr/bin/env bash
# Reproduce the shipped model from the corpus in one command (about an hour on a 2-core CPU, see docs/MODEL.md):
#   bash scripts/train_model.sh [CORPUS]     (default ../shared/corpus)
# Needs the 'train' extra: pip install -e '.[train]'. Writes out/ and runs/ (both git-ignored), then copies the
# fine-tuned export into src/ompgpt/model/weights/.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus}

# 1. corpus -> deduplicated, decontaminated loop/pragma records split by repository
ompgpt data build --corpus "$corpus" --out out/data --jobs 2
# 2. + silver labels from the analysis and verified synthetic loops (training split only)
ompgpt data augment --data out/data --corpus "$corpus" --out out/data-aug --synthetic 250 --synthetic-budget 1800 \
  --confirm-serial
# 3. language-model pre-training on the human loop records (loop + pragma, loss on every token). The whole-file
#    corpus (~46M tokens) is out of reach on 2 CPU cores (~800 tokens/s), so pre-training reads loops-*.jsonl only.
mkdir -p out/data-lm
ln -sf ../data/loops-train.jsonl out/data-lm/loops-train.jsonl
ln -sf ../data/loops-validation.jsonl out/data-lm/loops-validation.jsonl
ompgpt train --data out/data-lm --out runs/lm-small --stage pretrain --config small --max-steps 110 \
  --batch-size 16 --dtype fp32 --threads 1 --eval-every 55 --ckpt-every 25 --log-every 5
# 4. fine-tuning on human + silver + synthetic records, loss on the pragma tokens only
ompgpt train --data out/data-aug --out runs/ft-small --stage finetune --init runs/lm-small/export --max-steps 160 \
  --batch-size 16 --lr 5e-4 --warmup-steps 10 --dtype fp32 --threads 1 --eval-every 80 --ckpt-every 40 --log-every 10
# 5. ship the best-validation export
cp runs/ft-small/best/weights.safetensors runs/ft-small/best/config.json runs/ft-small/best/tokenizer.json \
  src/ompgpt/model/weights/
