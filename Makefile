# The two entry points of the README. Both install what is missing first.
SWIFT ?= swift
# Swift as the machine installs it, when it is not on PATH yet.
export PATH := /opt/swift/usr/bin:$(PATH)

.PHONY: demo test deps test-deps build kill-campaigns fuzz

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

build: deps
	$(SWIFT) build

## Plays a whole staged rollout on SQLite with injected time; notifications land in demo-out/outbox.
demo: build
	@scripts/demo.sh

## Runs every test, the integration tests against real servers on loopback included, then the short kill
## campaigns (SIGKILL at random moments, compared with a clean run: see RELIABILITY.md).
test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
	$(MAKE) kill-campaigns

## Kill campaigns (scripts/kill-campaign.sh): KILLS SIGKILLs per command (ingest, run, send, tick); the short
## version by default. SEND_REPEATS=report prints the repeats of `send` without failing on them.
KILLS ?= 5
SEND_REPEATS ?= enforce
kill-campaigns:
	GATEWAY="$$($(SWIFT) build --show-bin-path)/rollout-gateway" N=$${N:-250} M=$${M:-10} SEND_REPEATS=$(SEND_REPEATS) \
		scripts/kill-campaign.sh all $(KILLS)

## libFuzzer over every target in Fuzz/ for FUZZ_SECONDS each (CI: 30); says so loudly, and passes, when the
## toolchain has no libFuzzer.
FUZZ_SECONDS ?= 30
# CI gates on crashes, leaks, timeouts and super-linear cost (4 times the input taking over 8 times as long); how
# fast 1 MiB goes under AddressSanitizer on a shared machine is a figure (RELIABILITY.md), not a gate.
FUZZ_MAX_MS_PER_MB ?= 60000
# A super-linear input is reported, not failed on, until the one the templates target found under AddressSanitizer
# (GMime's buffers grown by g_realloc, RELIABILITY.md) is understood; FUZZ_SUPERLINEAR=fail makes it a gate again.
FUZZ_SUPERLINEAR ?= report
fuzz:
	FUZZ_BUILD_OPTIONAL=1 FUZZ_SUPERLINEAR=$(FUZZ_SUPERLINEAR) FUZZ_MAX_MS_PER_MB=$(FUZZ_MAX_MS_PER_MB) scripts/fuzz.sh all $(FUZZ_SECONDS)
