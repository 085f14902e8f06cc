# pulumi-freebsd: `make demo` and `make test` do all the set-up a fresh Debian machine needs.
SHELL := /bin/sh
NODE_BIN := $(shell ./scripts/ensure-node.sh)
export PATH := $(CURDIR)/node_modules/.bin:$(NODE_BIN):$(PATH)
# Native addons (ssh2's crypto binding, cpu-features) are compiled against the headers of the Node that
# runs the project, not those a machine-wide npmrc names (nodedir=/usr: Debian's Node 20), or they would
# fail to load under Node 22 and ssh2 would fall back to its JavaScript ciphers without a word.
NODE_VERSION := $(shell $(NODE_BIN)/node --version)
NODE_HEADERS := $(abspath $(NODE_BIN)/..)
NODEDIR_ENV := $(if $(wildcard $(NODE_HEADERS)/include/node/node_version.h),npm_config_nodedir=$(NODE_HEADERS),)

.PHONY: all install system system-sim build typecheck test test-openssh demo bench schema clean soak-faults

all: build

node_modules/.install-stamp-$(NODE_VERSION): package.json package-lock.json provider/package.json sdk/package.json test/sim/package.json test/engine/package.json
	$(NODEDIR_ENV) npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: node_modules/.install-stamp-$(NODE_VERSION)

# What the simulated host needs (bubblewrap, dash), and what the tests add: OpenSSH's sshd and Ansible.
system-sim:
	./scripts/ensure-system.sh

system: system-sim
	./scripts/ensure-system.sh openssh-server ansible

build: install
	tsc -p provider/tsconfig.json
	cd sdk && tsc -p tsconfig.json && node scripts/bin-package.js

typecheck: build
	tsc -p tsconfig.json
	tsc -p tsconfig.examples.json

test: build system typecheck
	vitest run
	$(MAKE) test-openssh

# The provider's tests against the simulated host served by Debian's OpenSSH sshd instead of ssh2.
test-openssh: build system
	FREEBSD_SIM_SERVER=openssh vitest run test/lifecycle test/sim/ssh.test.ts

# Issue 13's fault suite with every fault of every operation (make test runs a sample): long, not in CI.
soak-faults: build system-sim
	FREEBSD_FAULTS=all vitest run test/faults

demo: build system-sim
	node --disable-warning=ExperimentalWarning scripts/demo.ts

bench: build system
	node --disable-warning=ExperimentalWarning test/bench/run.ts
	node --disable-warning=ExperimentalWarning test/bench/sim-inventory.ts

clean:
	rm -rf provider/dist .sim

schema: install
	node scripts/gen-schema.ts
	node scripts/gen-sdk.ts
