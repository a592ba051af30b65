#!/usr/bin/env bash
# Runs a command and prints, on stderr after it ends, the highest resident memory it had, split as the kernel counts it
# (/proc/PID/status, sampled every 0.1 s): RssAnon, the process's own memory (heap, stacks), and RssFile, pages of
# files mapped into memory — SQLite's store when `PRAGMA mmap_size` maps it — which the kernel may drop at any time.
# Issue 24's memory goal is on RssAnon. Usage: benchmarks/rss-split.sh COMMAND [ARGUMENT ...]
set -uo pipefail
"$@" & pid=$!
anon=0; file=0
while kill -0 "$pid" 2>/dev/null; do
    if read -r a f < <(awk '/^RssAnon:/ {a=$2} /^RssFile:/ {f=$2} END {print a+0, f+0}' "/proc/$pid/status" 2>/dev/null); then
        (( a > anon )) && anon=$a
        (( f > file )) && file=$f
    fi
    sleep 0.1
done
wait "$pid"; status=$?
printf 'peak RssAnon %.1f MB, peak RssFile %.1f MB\n' "$(echo "$anon / 1024" | bc -l)" "$(echo "$file / 1024" | bc -l)" >&2
exit $status
