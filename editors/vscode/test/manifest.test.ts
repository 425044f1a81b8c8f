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
    // Both lists are generated from core/src/file_names.rs; this catches a hand edit of either.
    const docs = fs.readFileSync(path.join(root, "..", "..", "docs", "configuration.md"), "utf8");
    const table = docs.match(/<!-- file-names:start[^>]*-->\n(.*?)<!-- file-names:end -->/s);
    expect(table, "the file-names block in docs/configuration.md").not.toBeNull();
    const rows = table![1].split("\n").filter((row) => /^\s*\|\s*`/.test(row));
    const names = rows.flatMap((row) => [...row.split("|")[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]));
    expect(names).toContain("*-scp.json");
    const patterns: string[] = manifest.contributes.languages[0].filenamePatterns;
    expect([...patterns].sort()).toEqual([...names].sort());
  });

  it("starts for every language the client attaches to (policies, JSON, YAML templates, Terraform)", () => {
    const languages = source.match(/export const LANGUAGES = \[([^\]]+)\]/);
    expect(languages, "LANGUAGES in extension.ts").not.toBeNull();
    const ids = [...languages![1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(expect.arrayContaining(["json", "yaml", "terraform"]));
    const contributed = manifest.contributes.languages.map((l: { id: string }) => l.id);
    for (const id of ids) {
      // A language the extension contributes activates it on its own; the others need an event.
      if (contributed.includes(id) && id === "iam-policy") continue;
      expect(manifest.activationEvents, id).toContain(`onLanguage:${id}`);
    }
    // `.tf` files get the `terraform` language even without HashiCorp's extension.
    const terraform = manifest.contributes.languages.find((l: { id: string }) => l.id === "terraform");
    expect(terraform?.extensions).toContain(".tf");
  });

  it("ships the built bundle, not the sources", () => {
    expect(manifest.main).toBe("./dist/extension.js");
    const ignore = fs.readFileSync(path.join(root, ".vscodeignore"), "utf8");
    expect(ignore).toMatch(/^src\/\*\*$/m);
    expect(ignore).not.toMatch(/^dist/m);
    expect(ignore).not.toMatch(/^server/m);
  });
});
