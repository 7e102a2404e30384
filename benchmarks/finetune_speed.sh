#!/usr/bin/env bash
# Fine-tuning speed of two source trees on the same data, one after the other (a baseline in the same run):
#   bash benchmarks/finetune_speed.sh OLD_TREE NEW_TREE DATA_AUG_DIR LM_INIT_DIR TOKENS_CACHE_DIR
# e.g. OLD_TREE from `git worktree add /tmp/oldtree <commit>`, DATA_AUG_DIR/LM_INIT_DIR/TOKENS_CACHE_DIR from a
# scripts/train_model.sh run ($OMPGPT_OUT/data-aug, $OMPGPT_RUNS/cpu-lm/best, $OMPGPT_RUNS/cpu-ft/tokens).
# 30 steps of the CPU recipe's fine-tuning each; tokens/s counts the rows' real (unpadded) tokens.
set -euo pipefail
old=$1 new=$2 data=$3 init=$4 tokens=$5
for tree in "$old" "$new"; do
  work=$(mktemp -d)
  cp -r "$tokens" "$work/tokens"
  start=$(date +%s.%N)
  PYTHONPATH=$tree/src python -m ompgpt.cli train --data "$data" --out "$work" --stage finetune --init "$init" \
    --max-steps 30 --batch-size 16 --lr 5e-4 --warmup-steps 20 --dropout 0.1 --dtype fp32 --eval-every 1000 \
    --ckpt-every 1000 --log-every 10 2>&1 | tr '\r' '\n' | grep -E "step (11|21|30)/" | tail -3
  echo "$tree: $(python -c "print(round($(date +%s.%N) - $start, 1))") s for 30 steps incl. start-up and one validation"
  rm -rf "$work"
done
