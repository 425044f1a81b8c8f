import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { bundledBinary, resolveServer, serverSettings, statusText, vsceTarget } from "../src/settings";

const getterOf = (values: Record<string, unknown>) => <T>(key: string) => values[key] as T | undefined;

describe("serverSettings", () => {
  it("maps VS Code settings to the keys of .iam-policy-ls.toml", () => {
    const s = serverSettings(
      getterOf({
        policyType: "scp",
        checks: { MISSING_VERSION: "off", INVALID_EFFECT: "warning" },
        policyTypes: { "scp/**/*.json": "scp" },
        "inlayHints.accessLevel": false,
      }),
    );
    expect(s).toEqual({
      "iam-policy-ls": {
        "policy-type": "scp",
        checks: { MISSING_VERSION: "off", INVALID_EFFECT: "warning" },
        "policy-types": { "scp/**/*.json": "scp" },
        "inlay-hints": { "access-level": false },
      },
    });
  });

  it("leaves out empty settings so the project file applies", () => {
    expect(serverSettings(getterOf({ policyType: "", checks: {}, policyTypes: {}, "inlayHints.accessLevel": true }))).toEqual({ "iam-policy-ls": {} });
  });
});

describe("resolveServer", () => {
  const base = {
    setting: "",
    extensionPath: "/ext",
    workspaceFolder: "/ws",
    platform: "linux",
    arch: "x64",
    home: "/home/u",
    exists: () => false,
  };

  it("prefers the setting, expanding ~ and ${workspaceFolder}", () => {
    expect(resolveServer({ ...base, setting: "~/bin/iam-policy-ls" })).toEqual({
      command: "/home/u/bin/iam-policy-ls",
      source: "setting",
    });
    expect(resolveServer({ ...base, setting: "${workspaceFolder}/target/debug/iam-policy-ls" }).command).toBe(
      "/ws/target/debug/iam-policy-ls",
    );
    expect(resolveServer({ ...base, setting: "target/release/iam-policy-ls" }).command).toBe(
      path.join("/ws", "target/release/iam-policy-ls"),
    );
    // A bare name is looked up on PATH by the OS, not joined to the workspace.
    expect(resolveServer({ ...base, setting: "iam-policy-ls-nightly" }).command).toBe("iam-policy-ls-nightly");
  });

  it("uses the binary bundled for the platform when there is one", () => {
    const bundled = "/ext/server/linux-x64/iam-policy-ls";
    expect(resolveServer({ ...base, exists: (f) => f === bundled })).toEqual({ command: bundled, source: "bundled" });
    expect(bundledBinary("/ext", "win32", "arm64")).toBe(path.join("/ext", "server", "win32-arm64", "iam-policy-ls.exe"));
  });

  it("falls back to PATH", () => {
    expect(resolveServer(base)).toEqual({ command: "iam-policy-ls", source: "path" });
    expect(resolveServer({ ...base, platform: "win32" }).command).toBe("iam-policy-ls.exe");
    expect(resolveServer({ ...base, platform: "aix", exists: () => true }).source).toBe("path");
  });

  it("names vsce targets", () => {
    expect(vsceTarget("darwin", "arm64")).toBe("darwin-arm64");
    expect(vsceTarget("linux", "ia32")).toBeUndefined();
  });
});

describe("statusText", () => {
  it("shows the type and why", () => {
    expect(statusText({ policyType: "trust", source: "inferred" })).toEqual({
      text: "$(shield) IAM: trust",
      tooltip: "IAM policy type: trust (inferred from the content)",
    });
  });
  it("hides for documents that are not policies", () => {
    expect(statusText(null)).toBeUndefined();
  });
});
