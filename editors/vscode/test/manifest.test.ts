// The manifest and the code agree, and the manifest agrees with the server's documented conventions.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.join(__dirname, "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const source = fs.readFileSync(path.join(root, "src", "extension.ts"), "utf8");

describe("package.json", () => {
  it("registers in code every command it contributes", () => {
    const contributed: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);
    const registered = [...source.matchAll(/registerCommand\("([^"]+)"/g)].map((m) => m[1]);
    expect(registered.sort()).toEqual(contributed.sort());
  });

  it("reads every setting it contributes", () => {
    const settingsSource = source + fs.readFileSync(path.join(root, "src", "settings.ts"), "utf8");
    for (const key of Object.keys(manifest.contributes.configuration.properties)) {
      const short = key.replace(/^iam-policy-ls\./, "");
      if (short === "trace.server") continue; // read by vscode-languageclient itself
      expect(settingsSource, key).toContain(`"${short}"`);
    }
  });

  it("gives the iam-policy language every file-name convention of docs/configuration.md", () => {
    const docs = fs.readFileSync(path.join(root, "..", "..", "docs", "configuration.md"), "utf8");
    const item = docs.match(/a file-name convention \(([^)]*)\)/s);
    expect(item, "the convention list in docs/configuration.md").not.toBeNull();
    const names = [...item![1].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(5);
    const patterns: string[] = manifest.contributes.languages[0].filenamePatterns;
    expect(patterns.sort()).toEqual([...names, "*.policy.json"].sort());
  });

  it("ships the built bundle, not the sources", () => {
    expect(manifest.main).toBe("./dist/extension.js");
    const ignore = fs.readFileSync(path.join(root, ".vscodeignore"), "utf8");
    expect(ignore).toMatch(/^src\/\*\*$/m);
    expect(ignore).not.toMatch(/^dist/m);
    expect(ignore).not.toMatch(/^server/m);
  });
});
