# The two entry points of the README. Both install what is missing first.
SWIFT ?= swift
# Swift as the machine installs it, when it is not on PATH yet.
export PATH := /opt/swift/usr/bin:$(PATH)

.PHONY: demo test deps test-deps build

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

build: deps
	$(SWIFT) build

## Plays a whole staged rollout on SQLite with injected time; notifications land in demo-out/outbox.
demo: build
	@scripts/demo.sh

## Runs every test, the integration tests against real servers on loopback included.
test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
