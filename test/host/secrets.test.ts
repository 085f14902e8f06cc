import { describe, expect, it } from "vitest";
import { quoteArgv } from "../../provider/src/host/quote.ts";
import { redactor } from "../../provider/src/host/secrets.ts";

// Secrets are masked in every text shown, in every form a command line or a message spells them.

describe("redactor", () => {
  it("masks secrets raw, JSON-escaped and shell-quoted, longest first", () => {
    const redact = redactor(["ab", "abc'd\n"]);
    expect(redact(`x abc'd\n y ab`)).toBe("x [secret] y [secret]");
    expect(redact(JSON.stringify("abc'd\n"))).toBe(`"[secret]"`);
    expect(redact(quoteArgv(["abc'd\n"]))).toBe("'[secret]'");
    expect(redactor([])("ab")).toBe("ab");
    expect(redactor([""])("ab")).toBe("ab");
  });
});
