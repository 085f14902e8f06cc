import { defineConfig } from "vitest/config";

// Tests start simulated hosts and plugin processes, so they get generous time limits;
// speed is measured by `make bench`, never asserted here.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
  },
});
