import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/setup/freshBuild.ts"],
    testTimeout: 60_000,
    pool: "forks",
  },
});
