#!/bin/bash
#SBATCH --job-name=babybliss-finetune
#SBATCH --nodes=1
#SBATCH --gpus-per-node=v100l:1
#SBATCH --ntasks-per-node=4
#SBATCH --cpus-per-task=4
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
if command -v virtualenv >/dev/null 2>&1; then
    virtualenv --no-download "$ENV_DIR"
else
    python -m venv "$ENV_DIR"
fi
source "$ENV_DIR/bin/activate"
pip install --no-index --upgrade pip
pip install --no-index "babybliss"
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
babybliss finetune --config configs/llama2-7b-qlora.toml --resume &
child=$!
wait "$child"
