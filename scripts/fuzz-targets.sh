# Sourced by scripts/fuzz.sh and scripts/fuzz-probe.sh: the fuzz targets, and how an input's cost is timed.

ALL=(mime reply-text command-grammar authentication-results imap-responses configuration templates)

product() { # mime → FuzzMIME, reply-text → FuzzReplyText …
    case "$1" in
        mime) echo FuzzMIME ;; reply-text) echo FuzzReplyText ;; command-grammar) echo FuzzCommandGrammar ;;
        authentication-results) echo FuzzAuthenticationResults ;; imap-responses) echo FuzzIMAPResponses ;;
        configuration) echo FuzzConfiguration ;; templates) echo FuzzTemplates ;;
    esac
}

# repeat_to FILE OUT SIZE: FILE's bytes repeated into OUT up to SIZE bytes.
repeat_to() {
    /usr/bin/python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); n = int(sys.argv[3]); open(sys.argv[2], "wb").write((d * (n // len(d) + 1))[:n])' \
        "$1" "$2" "$3"
}

# time_best EXE FILE WARM-UP: the best of three runs of FILE through the fuzz target EXE, after a warm-up on WARM-UP
# (one-time set-up: GMime, Yams), since the machine is shared and a neighbour's build is not ours. Bounded: runs not
# done within PROBE_SECONDS are not waited for; with none done it prints "timeout", or "crash" when the target
# stopped on a sanitizer's report or a signal (a stack overflow on the repeated input, say) rather than on the clock.
time_best() {
    local output
    # (`|| true`: the time-out's status 124 and a crash's are expected here, and must not end the script under pipefail.)
    output=$({ echo "$3"; echo "$2"; echo "$2"; echo "$2"; } | SWIFT_BACKTRACE=enable=no timeout -k 5 "$PROBE_SECONDS" xargs "$1" -runs=1 2>&1 || true)
    echo "$output" | sed -n 's/^Executed .* in \([0-9]*\) ms$/\1/p' | tail -n +2 | sort -n |
        awk -v crashed="$(echo "$output" | grep -c -E '^==[0-9]+== ?ERROR: |deadly signal|terminated by signal|killed by signal')" \
            'NR == 1 { print } END { if (NR == 0) print (crashed > 0 ? "crash" : "timeout") }'
}
