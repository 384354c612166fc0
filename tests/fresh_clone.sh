#!/usr/bin/env bash
# The README's first command (`bin/demo`) in a fresh clone of this commit, in a
# temporary folder with nothing beside it and none of this shell's
# IMAGENET_ERRORS_* settings: an install step that only works here, or a path
# that resolves only beside this checkout, fails it. bin/setup builds the
# clone's own .venv from the pinned requirements (pip's cache and the local
# wheel store make that a few minutes); the folder is removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! git rev-parse --verify -q HEAD >/dev/null; then
  echo "fresh clone: SKIPPED, $(pwd) is not a git checkout with a commit"
  exit 0
fi
commit=$(git rev-parse HEAD)
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "fresh clone: note: uncommitted changes are not in the clone of ${commit:0:12}"
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/imagenet-errors-fresh.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
clone="$scratch/imagenet-errors"
git clone -q "$(pwd)" "$clone"
git -C "$clone" checkout -q --detach "$commit"

start=$SECONDS
(
  cd "$clone"
  env -u IMAGENET_ERRORS_REFERENCE_DIR -u IMAGENET_ERRORS_DATA_ROOT -u IMAGENET_ERRORS_DB \
    -u IMAGENET_ERRORS_REFERENCE_BASE_URL -u VIRTUAL_ENV -u PYTHONPATH \
    bin/demo --no-progress
) >"$scratch/demo.log" 2>&1 || {
  tail -n 40 "$scratch/demo.log"
  echo "fresh clone: bin/demo FAILED in a clone of ${commit:0:12} (log above)" >&2
  exit 1
}
grep -q "Query it from Python" "$scratch/demo.log" || {
  tail -n 40 "$scratch/demo.log"
  echo "fresh clone: bin/demo printed no result table" >&2
  exit 1
}
echo "fresh clone: bin/demo passed in a clone of ${commit:0:12} ($((SECONDS - start)) s, setup included)"
