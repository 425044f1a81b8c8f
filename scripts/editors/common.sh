# Sourced by the steps in scripts/editors/: the repository root, the install cache, the server.
# Each step is its own process with `set -euo pipefail`, so any failing command fails the step.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
repo=$(pwd)
cache=${IAM_POLICY_LS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iam-policy-ls}
mkdir -p "$cache"
die() { echo "${0##*/}: $*" >&2; exit 1; }
# `STEP --install-only` installs what the step needs and stops there (scripts/test runs that
# while cargo builds); each step calls this between installing and testing.
installed() {
  if [ "${1:-}" = --install-only ]; then exit 0; fi
  # The debug build that `cargo test` made (scripts/test-editors builds it when run alone).
  server_bin=${IAM_POLICY_LS_BIN:-${CARGO_TARGET_DIR:-$repo/target}/debug/iam-policy-ls}
  [ -x "$server_bin" ] || die "no server binary at $server_bin (build it: cargo test --workspace --no-run)"
}
