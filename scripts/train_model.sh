#!/usr/bin/env bash
# Train the model from the corpus on a CPU in one command, the shipped model's method at CPU scale (1 h 43 min
# measured on the project's 2-core machine, see docs/MODEL.md "CPU recipe"):
#   bash scripts/train_model.sh [CORPUS]     (default ../shared/corpus)
# The shipped weights were trained the same way on a GPU with ~50x more pre-training tokens
# (scripts/train_model_gpu.sh); this recipe gets as far as 2 CPU hours allow, with a fixed number of steps so that
# two runs give the same model.
# Needs the 'train' extra: pip install -e '.[train]'. Writes $OMPGPT_OUT (default out/) and $OMPGPT_RUNS (default
# runs/), both git-ignored, then copies the best fine-tuned export into src/ompgpt/model/weights/ unless
# OMPGPT_SHIP=0. OMPGPT_THREADS sets PyTorch's CPU threads (default: all cores).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus}
out=${OMPGPT_OUT:-out}
runs=${OMPGPT_RUNS:-runs}
threads=()
if [[ -n "${OMPGPT_THREADS:-}" ]]; then threads=(--threads "$OMPGPT_THREADS"); fi

# 1. corpus -> deduplicated, decontaminated loop/pragma records and whole files split by repository, plus silver
#    labels from the analysis and verified synthetic loops (training split only)
ompgpt data build --corpus "$corpus" --out "$out/data" --jobs 2 --augment "$out/data-aug" --synthetic 250 \
  --confirm-serial
# 2. language-model pre-training on the whole-file corpus (pragmas moved after their loops; a BPE tokenizer is
#    trained on the training files first): 600 steps of 16 x 512 tokens = 4.9M tokens
ompgpt train --data "$out/data" --out "$runs/cpu-lm" --stage pretrain --config small --max-steps 600 \
  --batch-size 16 --lr 2e-3 --warmup-steps 30 --dropout 0 --dtype fp32 --eval-every 200 --ckpt-every 100 \
  --log-every 20 "${threads[@]}"
# 3. fine-tuning on human + silver + synthetic loop records (27k rows), loss on the pragma tokens only, batches
#    bucketed by length: 1,500 steps of 16 rows, about 0.9 epoch; the best validation loss ships
ompgpt train --data "$out/data-aug" --out "$runs/cpu-ft" --stage finetune --init "$runs/cpu-lm/best" \
  --max-steps 1500 --batch-size 16 --lr 5e-4 --warmup-steps 50 --dropout 0.1 --dtype fp32 --eval-every 250 \
  --ckpt-every 250 --log-every 25 "${threads[@]}"
# 4. ship the best-validation export
if [[ "${OMPGPT_SHIP:-1}" != 0 ]]; then
  cp "$runs/cpu-ft/best/weights.safetensors" "$runs/cpu-ft/best/config.json" "$runs/cpu-ft/best/tokenizer.json" \
    src/ompgpt/model/weights/
fi
