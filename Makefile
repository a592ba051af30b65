# The two entry points of the README. Both install what is missing first.
SWIFT ?= swift
# Swift as the machine installs it, when it is not on PATH yet.
export PATH := /opt/swift/usr/bin:$(PATH)

.PHONY: demo demo-web test deps test-deps build release kill-campaigns fuzz

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

build: deps
	$(SWIFT) build

## The binary to install (README, "Running it in production"): optimized, with the Swift runtime and Foundation
## linked in, so that it needs no Swift toolchain where it runs and starts sooner (BENCHMARKS.md, "The idle tick").
release: deps
	$(SWIFT) build -c release --static-swift-stdlib --product rollout-gateway

## Plays a whole staged rollout on SQLite with injected time; notifications land in demo-out/outbox.
demo: build
	@scripts/demo.sh

## The web view over the demo store (made by `make demo` when missing), behind a demo login proxy on loopback:
## open http://127.0.0.1:8080/ (DEMO_USER=ADDRESS signs in someone else).
demo-web: build
	@scripts/demo-web.sh

## Runs every test, the integration tests against real servers on loopback included, then the short kill
## campaigns (SIGKILL at random moments, compared with a clean run: see RELIABILITY.md).
## The tests' scratch files (stores, Maildirs, keys, servers' data) go in one folder per run, removed when every
## test passed and kept (its path printed) when one failed; readable by the postgres user the test servers run as.
test: test-deps
	$(SWIFT) build --build-tests
	@scratch=$$(mktemp -d /tmp/rgt.XXXXXX) && chmod 755 "$$scratch" && \
		if TMPDIR="$$scratch" $(SWIFT) test; then rm -rf "$$scratch"; \
		else echo "make test: the failed run's scratch files are kept in $$scratch" >&2; exit 1; fi
	$(MAKE) kill-campaigns

## Kill campaigns (scripts/kill-campaign.sh): KILLS SIGKILLs per command (ingest, run, send, tick); the short
## version by default. SEND_REPEATS=report prints the repeats of `send` without failing on them.
KILLS ?= 5
SEND_REPEATS ?= enforce
kill-campaigns:
	GATEWAY="$$($(SWIFT) build --show-bin-path)/rollout-gateway" N=$${N:-250} M=$${M:-10} SEND_REPEATS=$(SEND_REPEATS) \
		scripts/kill-campaign.sh all $(KILLS)

## libFuzzer over every target in Fuzz/ for FUZZ_SECONDS each (CI: 30); when the toolchain has no libFuzzer it
## says so loudly (and .ci/run says it again at the end) and passes.
FUZZ_SECONDS ?= 30
# CI fails on crashes, leaks, timeouts, an input over 1 s, super-linear cost (4 times the input taking over 8 times
# as long) and on 1 MiB of the costliest inputs taking over FUZZ_MAX_MS_PER_MB under AddressSanitizer; a probe
# that does not finish within that bound plus 10 s fails too. The bound is not the 1 s per MB of SPEC (RELIABILITY.md
# "Not held yet": reply reading takes about 5 s per MiB without AddressSanitizer, 3.5 times that with it): it
# is the ceiling the slowest target keeps with a margin for the shared machine, so that a cost that grows is caught.
FUZZ_MAX_MS_PER_MB ?= 30000
fuzz:
	FUZZ_BUILD_OPTIONAL=1 FUZZ_MAX_MS_PER_MB=$(FUZZ_MAX_MS_PER_MB) scripts/fuzz.sh all $(FUZZ_SECONDS)
