# pulumi-freebsd: `make demo` and `make test` do all the set-up a fresh Debian machine needs.
SHELL := /bin/sh
NODE_BIN := $(shell ./scripts/ensure-node.sh)
export PATH := $(CURDIR)/node_modules/.bin:$(NODE_BIN):$(PATH)

.PHONY: all install system system-sim build typecheck test test-openssh demo bench schema clean

all: build

node_modules/.install-stamp: package.json package-lock.json provider/package.json sdk/package.json test/sim/package.json test/engine/package.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: node_modules/.install-stamp

# What the simulated host needs (bubblewrap, dash), and what the tests add: OpenSSH's sshd and Ansible.
system-sim:
	./scripts/ensure-system.sh

system: system-sim
	./scripts/ensure-system.sh openssh-server ansible

build: install
	tsc -p provider/tsconfig.json
	cd sdk && tsc -p tsconfig.json && cp package.json bin/

typecheck: build
	tsc -p tsconfig.json
	tsc -p examples/datasets/tsconfig.json --noEmit

test: build system typecheck
	vitest run
	$(MAKE) test-openssh

# The provider's tests against the simulated host served by Debian's OpenSSH sshd instead of ssh2.
test-openssh: build system
	FREEBSD_SIM_SERVER=openssh vitest run test/lifecycle test/sim/ssh.test.ts

demo: build system-sim
	node --disable-warning=ExperimentalWarning scripts/demo.ts

bench: build system-sim
	node --disable-warning=ExperimentalWarning test/bench/run.ts
	node --disable-warning=ExperimentalWarning test/bench/sim-inventory.ts

clean:
	rm -rf provider/dist .sim

schema: install
	node scripts/gen-schema.ts
	node scripts/gen-sdk.ts
