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

.PHONY: all install system system-sim build typecheck test test-openssh soak demo bench schema clean

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

# Long runs, not in CI: the injection fuzzing (test/security) at 20,000 Check cases and 200 on the host
# (make test runs 2,000 and 10, plus 7 regressions). FREEBSD_FUZZ_SEED=N replays a run; each run prints its seed.
soak: build system
	FREEBSD_FUZZ_CASES=$${FREEBSD_FUZZ_CASES:-20000} FREEBSD_FUZZ_HOST_CASES=$${FREEBSD_FUZZ_HOST_CASES:-200} vitest run test/security/injection.test.ts

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
