#!/bin/bash
#SBATCH --job-name=babybliss-finetune
#SBATCH --nodes=2
#SBATCH --gpus-per-node=v100l:4
#SBATCH --ntasks-per-node=1
#SBATCH --cpus-per-task=16
#SBATCH --mem=64G
#SBATCH --time=2-00:00
#SBATCH --output=%x.o%j
#SBATCH --requeue
#SBATCH --signal=B:TERM@300
#SBATCH --open-mode=append

# babybliss finetune as a SLURM batch job, written by `babybliss slurm finetune`.
# Submit it from the folder the config path is relative to: sbatch THIS_FILE
#
# Compute nodes have no internet access and the job runs with HF_HUB_OFFLINE=1, so fetch the model
# on a login node first, into the same HF_HOME:
#     export HF_HOME="$HOME/projects/babybliss/hf"
#     babybliss download meta-llama/Llama-2-7b-hf

# ---- environment ----
set -euo pipefail
cd "${SLURM_SUBMIT_DIR:-.}"

# Lmod's `module` and some virtualenv activate scripts read unset variables: -u is off around them.
set +u
module load python/3.11.5
# A fresh virtualenv on the node's local disk ($SLURM_TMPDIR), the Alliance way:
# `virtualenv --no-download` seeds pip from the python module instead of PyPI, and
# `pip install --no-index` installs only wheels from the Alliance wheelhouse (which the python module's
# pip config points at): built for the cluster, no internet needed, nothing unvetted from PyPI.
# babybliss itself is not in the wheelhouse: point slurm.pip_install at a babybliss wheel or checkout
# on project storage (its dependencies come from the wheelhouse), or set slurm.venv to a ready one.
export ENV_DIR="${SLURM_TMPDIR:-/tmp/babybliss-$SLURM_JOB_ID}/env"
# $SLURM_TMPDIR is local to each node: build the virtualenv on every node, one task per node.
# What to install is passed as arguments ("$@").
srun --nodes="$SLURM_NNODES" --ntasks="$SLURM_NNODES" --ntasks-per-node=1 bash -c '
set -eo pipefail
if command -v virtualenv >/dev/null 2>&1; then
    virtualenv --no-download "$ENV_DIR"
else
    python -m venv "$ENV_DIR"
fi
source "$ENV_DIR/bin/activate"
pip install --no-index --upgrade pip
pip install --no-index "$@"
' bash "babybliss"
source "$ENV_DIR/bin/activate"
set -u

# Offline: no hub calls from compute nodes; weights come from HF_HOME, filled on a login node by
# `babybliss download`. No token is needed, so none is kept: drop any exported by the submitting shell.
export HF_HOME="$HOME/projects/babybliss/hf"
export HF_HUB_OFFLINE=1
export TRANSFORMERS_OFFLINE=1
export HF_DATASETS_OFFLINE=1
unset HF_TOKEN HUGGING_FACE_HUB_TOKEN
export PYTHONUNBUFFERED=1

# ---- launch ----
# DDP over 4 GPU(s) per node: srun starts one accelerate per node, which starts one
# process per GPU. Each rank loads its own copy of the (quantised) model; for models that do not fit
# one card add --set train.fsdp="full_shard auto_wrap".
# The first node of the job hosts the rendezvous; the port follows the job id. The whole node list is read:
# `| head -n 1` would end early and kill scontrol with SIGPIPE, which under pipefail ends the job.
NODES="$(scontrol show hostnames "$SLURM_JOB_NODELIST")"
MASTER_ADDR="${NODES%%$'\n'*}"
MASTER_PORT=$((20000 + SLURM_JOB_ID % 10000))
export MASTER_ADDR MASTER_PORT
# SLURM sends this shell SIGTERM 300 s before the time limit (--signal=B:TERM@300); it is passed on
# to babybliss, which writes a checkpoint of its current step and exits. The job is then requeued and this
# script runs again: --resume continues from the checkpoint (and on a fresh run simply starts).
child=""
requeue_job() {
    echo "babybliss job: SIGTERM; the run writes a checkpoint, then job $SLURM_JOB_ID is requeued" >&2
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" || true
    scontrol requeue "$SLURM_JOB_ID" || echo "babybliss job: requeue failed; submit this script again to resume" >&2
    exit 0
}
trap requeue_job TERM
# srun passes the SIGTERM on to each node's accelerate, which passes it to its processes (torch's elastic
# agent, under either launcher, gives them 30 s before SIGKILL).
# Single quotes: $SLURM_NODEID is read on each node, not here. babybliss's arguments follow as "$@".
# The tasks inherit this shell's environment, the activated virtualenv included.
srun --nodes="$SLURM_NNODES" --ntasks="$SLURM_NNODES" --ntasks-per-node=1 --cpus-per-task="$SLURM_CPUS_PER_TASK" bash -c '
exec accelerate launch \
    --multi_gpu \
    --num_machines "$SLURM_NNODES" \
    --num_processes "$((SLURM_NNODES * 4))" \
    --machine_rank "$SLURM_NODEID" \
    --main_process_ip "$MASTER_ADDR" \
    --main_process_port "$MASTER_PORT" \
    -m babybliss "$@"
' babybliss finetune --config configs/llama2-7b-qlora.toml --resume &
child=$!
wait "$child"
