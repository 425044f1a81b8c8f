#!/bin/sh
# Runs every target in turn for SECONDS each (default 180), one at a time.
cd "$(dirname "$0")" || exit 1
secs=${1:-180}
for t in parse_model syntax_edit analyze hosts eval complete_hover lsp_session lsp_transport; do
  mkdir -p corpus/$t
  cargo fuzz run -s none "$t" corpus/$t -- -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 > "logs/$t.log" 2>&1
  echo "$t exit $?"
done
