#!/usr/bin/env bash
# Reproduce the shipped model on one CUDA GPU (about 3 minutes of training on an H200, see docs/MODEL.md):
#   bash scripts/train_model_gpu.sh [CORPUS]     (default ../shared/corpus)
# Needs the 'train' extra (or any PyTorch with CUDA). Steps 1-2 are the CPU data pipeline (~15 min on 2 cores);
# step 3 pre-trains the 'small' model on the whole-file corpus, then fine-tunes it on human + silver + synthetic
# loops, each stage fitted to the minutes given (the shipped run: 3,796 pre-training steps of 128 x 512 tokens,
# best LM validation at step 3,200; fine-tuning best at step 842 of 1,706). A slower GPU trains fewer steps.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus}

ompgpt data build --corpus "$corpus" --out out/data --jobs 2 --augment out/data-aug --synthetic 250 --confirm-serial
python scripts/ablation_train.py --files out/data --loops out/data-aug --out runs/gpu --report runs/gpu/report \
  --arms pretrained --pretrain-minutes 1.89 --ft-minutes 0.63
cp runs/gpu/pretrained/best/weights.safetensors runs/gpu/pretrained/best/config.json \
  runs/gpu/pretrained/best/tokenizer.json src/ompgpt/model/weights/
