#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer (issue 13): the targets in Fuzz/, built with -sanitize=fuzzer,address,
# each run for SECONDS from its seed corpus (fixtures/mail, fixtures/attacks, Fuzz/seeds) plus what earlier runs
# found (.build-fuzz/corpus, not in git). Fails on a crash, a leak, a timeout (an input that took 5 s), an input
# that took over 1 s, or one slower than 1 s per MB: after the run the corpus is replayed input by input, and the
# three inputs that cost the most per byte are repeated up to 256 KiB and 1 MiB and timed: 1 MiB must take at most
# FUZZ_MAX_MS_PER_MB (default 1000; under AddressSanitizer) and at most 8 times as long as 256 KiB (linear cost;
# quadratic is 16). A probe is given FUZZ_MAX_MS_PER_MB plus 10 s (FUZZ_PROBE_SECONDS): one that has not finished
# by then fails as over the bound; one whose repeated input crashes the target (a stack overflow on nesting a
# megabyte deep) fails as a crash.
#
# Usage: scripts/fuzz.sh TARGET|all SECONDS
#   TARGET: mime reply-text command-grammar authentication-results imap-responses configuration templates
# Environment: FUZZ_BUILD_OPTIONAL=1 (CI: when the toolchain has no libFuzzer, say so loudly, leave
# .build-fuzz/NOT-RUN for .ci/run to say again at the end, and exit 0 instead of failing; a build error of our
# code still fails). FUZZ_TOOLCHAIN: the toolchain to look in (default the one of swiftc).
# A crash leaves its input in .build-fuzz/findings/TARGET/ (not artifacts/: SwiftPM empties that one): copy it to
# fixtures/fuzz/TARGET/, replay it in a FuzzRegressionTests suite (Tests/RolloutCoreTests has one), and fix it.
set -euo pipefail
cd "$(dirname "$0")/.."
# One-time allocations of Foundation that LeakSanitizer cannot see as reachable (Fuzz/lsan.supp says which).
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export PATH="/opt/swift/usr/bin:$PATH"

source scripts/fuzz-targets.sh
TARGET=${1:-}
SECONDS_EACH=${2:-}
if [[ -z "$TARGET" || ! "$SECONDS_EACH" =~ ^[0-9]+$ ]]; then sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; fi
if [[ "$TARGET" == all ]]; then targets=("${ALL[@]}"); else targets=("$TARGET"); fi
for t in "${targets[@]}"; do
    [[ " ${ALL[*]} " == *" $t "* ]] || { echo "unknown target $t; expected one of ${ALL[*]}" >&2; exit 64; }
done

seeds() { # the seed folders and files of a target
    case "$1" in
        mime | reply-text) echo fixtures/mail fixtures/attacks fixtures/demo/inbox ;;
        command-grammar) echo Fuzz/seeds/command-grammar fixtures/demo/inbox ;;
        *) echo "Fuzz/seeds/$1" ;;
    esac
}
max_len() { case "$1" in mime) echo 131072 ;; *) echo 65536 ;; esac; }

# Does this toolchain have libFuzzer at all? (Swift on Linux ships it in its clang resource folder.)
SCRATCH=.build-fuzz
rm -f "$SCRATCH/NOT-RUN"
swiftc_path=$(command -v swiftc || true)
toolchain=${FUZZ_TOOLCHAIN:-$(dirname "$(dirname "${swiftc_path:-/nonexistent/bin/swiftc}")")}
if ! ls "$toolchain"/lib/swift/clang/lib/linux/libclang_rt.fuzzer-*.a "$toolchain"/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1; then
    message="FUZZING NOT RUN: the Swift toolchain at $toolchain has no libFuzzer (libclang_rt.fuzzer); -sanitize=fuzzer is impossible here"
    if [[ "${FUZZ_BUILD_OPTIONAL:-}" == 1 ]]; then
        mkdir -p "$SCRATCH"
        echo "$message" > "$SCRATCH/NOT-RUN"
        banner=$(printf '*%.0s' {1..100})
        printf '\n%s\n*** %s\n*** No target was fuzzed: this passes only because FUZZ_BUILD_OPTIONAL=1.\n%s\n\n' "$banner" "$message" "$banner" | tee /dev/stderr
        exit 0
    fi
    echo "$message" >&2
    exit 69
fi

MAX_MS_PER_MB=${FUZZ_MAX_MS_PER_MB:-1000}
PROBE_SECONDS=${FUZZ_PROBE_SECONDS:-$((MAX_MS_PER_MB / 1000 + 10))}
FLAGS=(-c release --scratch-path "$SCRATCH" --manifest-cache none
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -enable-testing -Xswiftc -use-ld=lld)
for t in "${targets[@]}"; do
    echo "building $(product "$t") (-sanitize=fuzzer,address, release)…" >&2
    ROLLOUT_FUZZ=1 swift build "${FLAGS[@]}" --product "$(product "$t")" 2>&1 | grep -v 'Cannot export local symbol' >&2
    [[ ${PIPESTATUS[0]} -eq 0 ]] || { echo "the fuzz build of $t failed" >&2; exit 1; }
done
BIN=$(ROLLOUT_FUZZ=1 swift build "${FLAGS[@]}" --show-bin-path)

status=0
summary=()
for t in "${targets[@]}"; do
    corpus=$SCRATCH/corpus/$t artifacts=$SCRATCH/findings/$t log=$SCRATCH/logs/$t.log
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    # shellcheck disable=SC2046
    echo "fuzzing $t for $SECONDS_EACH s (corpus $corpus, seeds: $(seeds "$t"))…" >&2
    set +e
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 "$BIN/$(product "$t")" "$corpus" $(seeds "$t") \
        -max_total_time="$SECONDS_EACH" -max_len="$(max_len "$t")" -timeout=5 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
        -report_slow_units=1 -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1
    rc=$?
    set -e
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{ s += $2 } END { print s + 0 }')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    # A slow unit (over 1 s) is run again, best of three: on a shared machine a neighbour's build can stall one run;
    # one that is fast again was the load, and is noted, not kept.
    slow=0
    for unit in "$artifacts"/slow-unit-*; do
        [[ -e "$unit" ]] || continue
        again=$( { echo "$unit"; echo "$unit"; echo "$unit"; } | SWIFT_BACKTRACE=enable=no xargs "$BIN/$(product "$t")" -runs=1 2>&1 |
            sed -n 's/^Executed .* in \([0-9]*\) ms$/\1/p' | sort -n | awk 'NR == 1 { print } END { if (NR == 0) print 999999 }')
        if ((again < 1000)); then
            echo "  $t: $(basename "$unit") took over 1 s while fuzzing, $again ms when run again: the machine's load" >&2
            rm -f "$unit"
        else
            slow=$((slow + 1))
        fi
    done
    found=$(ls "$artifacts" | wc -l)
    verdict=ok
    if ((rc != 0)); then
        verdict="FAILED (exit $rc)"
        grep -m3 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|Fatal error|SUMMARY' "$log" | sed 's/^/    /' >&2
        status=1
    fi
    # Linear cost. Replay the corpus one input at a time, timed by libFuzzer ("Executed F in N ms"), the first
    # input twice so that one-time set-up (GMime, Yams) is not counted; then take the three inputs that cost the
    # most per byte, repeat each up to 1 MiB, and time that: none may take more than 1 s per MB.
    exe=$BIN/$(product "$t")
    timings=$SCRATCH/logs/$t.timings
    find "$corpus" -type f -size +0 | awk 'NR <= 5000' > "$SCRATCH/logs/$t.files"
    { head -1 "$SCRATCH/logs/$t.files"; cat "$SCRATCH/logs/$t.files"; } | SWIFT_BACKTRACE=enable=no xargs -r "$exe" -runs=1 2>&1 |
        sed -n 's/^Executed \(.*\) in \([0-9]*\) ms$/\1 \2/p' | tail -n +2 |
        while read -r file ms; do echo "$ms $(stat -c %s "$file") $file"; done > "$timings" || true
    slowest=$(sort -k1,1nr "$timings" | awk 'NR == 1')
    worst=0 worst_line="" worst_ratio=0
    # probe FILE: times FILE repeated to 256 KiB and to 1 MiB (time_best: the best of three after a warm-up, "timeout"
    # when none finished within PROBE_SECONDS, the bound plus 10 s: over the bound; "crash" when the target stopped
    # on a sanitizer's report or a signal); sets quarter, ms and ratio (ratio "-" after a timeout or a crash).
    probe() {
        quarter=$(time_best "$exe" "$SCRATCH/logs/$t.262144" "$1")
        ms=$(time_best "$exe" "$SCRATCH/logs/$t.1048576" "$1")
        if [[ $quarter == timeout || $ms == timeout || $quarter == crash || $ms == crash ]]; then ratio=-; return; fi
        ratio=$(awk -v a="$quarter" -v b="$ms" 'BEGIN { printf "%.1f", b / (a > 0 ? a : 1) }')
    }
    timed_out="" crashed=""
    for file in $(awk '$2 >= 64 { print ($1 + 1) / $2, $3 }' "$timings" | sort -k1,1gr | awk 'NR <= 3 { print $2 }'); do
        for size in 262144 1048576; do repeat_to "$file" "$SCRATCH/logs/$t.$size" "$size"; done
        probe "$file"
        if [[ $ratio != - ]] && ((ms > 200)) && awk -v r="$ratio" 'BEGIN { exit !(r > 8) }'; then
            # Measured once more before it counts: a load spike during one size looks like super-linear cost.
            probe "$file"
        fi
        if [[ $ratio == - ]]; then
            if [[ $quarter == crash || $ms == crash ]]; then
                [[ $quarter =~ ^[0-9]+$ ]] && quarter+=" ms"
                [[ $ms =~ ^[0-9]+$ ]] && ms+=" ms"
                crashed="$(basename "$file") (256 KiB: $quarter, 1 MiB: $ms; kept in $artifacts/, scripts/fuzz-probe.sh $t repeats it)"
                cp "$file" "$artifacts/crash-$(basename "$file")"
            else
                timed_out="$(basename "$file") (256 KiB: ${quarter/timeout/not done} ms, 1 MiB: ${ms/timeout/not done} ms)"
                cp "$file" "$artifacts/slow-$(basename "$file")"
            fi
            break
        fi
        if ((ms > worst)); then worst=$ms worst_line="$(basename "$file")" worst_ratio=$ratio; fi
    done
    # A repeated input that crashes the target (a stack overflow on nesting a megabyte deep): a crash, not a cost.
    if [[ -n "$crashed" ]]; then
        verdict="FAILED (the input repeated crashed the target: $crashed)"
        status=1
    # A probe not done within PROBE_SECONDS: over the bound, however long it would have taken.
    elif [[ -n "$timed_out" ]]; then
        verdict="FAILED (a probe did not finish within $PROBE_SECONDS s, over the bound of $MAX_MS_PER_MB ms per MB: input $timed_out; kept in $artifacts/)"
        status=1
    # Super-linear cost: 4 times the input taking over 8 times as long (quadratic would be 16) (only measured above 200 ms, below is noise).
    elif ((worst > 200)) && awk -v r="$worst_ratio" 'BEGIN { exit !(r > 8) }'; then
        verdict="FAILED (super-linear: 1 MiB took $worst_ratio× the time of 256 KiB, $worst ms, input $worst_line)"
        cp "$corpus/$worst_line" "$artifacts/superlinear-$worst_line"
        status=1
    elif ((worst > MAX_MS_PER_MB)); then
        verdict="FAILED (slower than $MAX_MS_PER_MB ms per MB: $worst ms for input $worst_line × 1 MiB)"
        cp "$corpus/$worst_line" "$artifacts/slow-$worst_line"
        status=1
    fi
    ((slow > 0)) && { verdict="FAILED ($slow inputs took over 1 s)"; status=1; }
    summary+=("$(printf '%-22s %4s s %8s runs  cov %5s  corpus %5s  crashes/leaks/timeouts %s  slowest input %s ms (%s bytes)  worst 1 MiB %s ms (%s× 256 KiB)  %s' \
        "$t" "$SECONDS_EACH" "$runs" "${cov:-?}" "$(ls "$corpus" | wc -l)" "$found" "$(echo "$slowest" | cut -d' ' -f1)" \
        "$(echo "$slowest" | cut -d' ' -f2)" "$worst" "$worst_ratio" "$verdict")")
done
printf '%s\n' "fuzz summary ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores):" "${summary[@]}"
exit $status
