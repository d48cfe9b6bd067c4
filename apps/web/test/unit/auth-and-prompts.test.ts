import { describe, expect, it } from "vitest";
import { bearerToken, createSession, mayMutate, SESSION_COOKIE } from "@/server/auth";
import { DIGIT_CLASSES } from "@/server/models/model-info";
import { promptCondition } from "@/shared/prompts";

const TOKEN = "correct-horse-battery-staple";

describe("team token", () => {
  it("reads it from a bearer header; the sign-in cookie is a signed session, never the token", () => {
    expect(bearerToken(new Headers({ authorization: `Bearer ${TOKEN}` }))).toBe(TOKEN);
    expect(bearerToken(new Headers())).toBeUndefined();
    const session = createSession(TOKEN);
    expect(session).not.toContain(TOKEN);
    expect(mayMutate(TOKEN, new Headers({ cookie: `a=1; ${SESSION_COOKIE}=${session}; b=2` }))).toBe(true);
    expect(mayMutate(TOKEN, new Headers({ cookie: `${SESSION_COOKIE}=${encodeURIComponent(TOKEN)}` }))).toBe(false);
  });

  it("lets mutations through only with the right token, or when none is configured", () => {
    expect(mayMutate(undefined, new Headers())).toBe(true);
    expect(mayMutate(TOKEN, new Headers())).toBe(false);
    expect(mayMutate(TOKEN, new Headers({ authorization: "Bearer wrong-token-of-some-length" }))).toBe(false);
    expect(mayMutate(TOKEN, new Headers({ authorization: `Bearer ${TOKEN}` }))).toBe(true);
  });
});

describe("prompts for digit models", () => {
  const digits = { type: "class", classes: DIGIT_CLASSES } as const;

  it("finds the one digit a prompt names, as a numeral or a word", () => {
    expect(promptCondition("a handwritten 7", digits)).toEqual({ classLabel: 7 });
    expect(promptCondition("Seven", digits)).toEqual({ classLabel: 7 });
    expect(promptCondition("a 0, neatly", digits)).toEqual({ classLabel: 0 });
    expect(promptCondition("7 or seven", digits)).toEqual({ classLabel: 7 });
  });

  it("refuses prompts with no digit or several, naming the field", () => {
    expect(() => promptCondition("a cat", digits)).toThrow(/^prompt: "a cat" must name exactly one digit/);
    expect(() => promptCondition("a 1 and a 2", digits, "parts")).toThrow(/^parts: /);
    expect(() => promptCondition("17", digits)).toThrow(/exactly one digit/);
  });

  it("passes text through for text models and ignores it for unconditional ones", () => {
    const encoder = { type: "text", freeText: true, storedPrompts: [] } as const;
    expect(promptCondition("an oil painting", encoder)).toEqual({ prompt: "an oil painting" });
    expect(promptCondition("anything", { type: "none" })).toBeNull();
  });

  it("accepts only stored prompts (exact, or lower-cased and stripped) from a text model without an encoder", () => {
    const stored = { type: "text", freeText: false, storedPrompts: ["a high quality photo", "a rocket ship"] } as const;
    expect(promptCondition("a rocket ship", stored)).toEqual({ prompt: "a rocket ship" });
    expect(promptCondition(" A Rocket Ship", stored)).toEqual({ prompt: " A Rocket Ship" });
    expect(() => promptCondition("a cat", stored, "prompts")).toThrow(
      /^prompts: "a cat" is not one of this model's 2 stored prompts \("a high quality photo", "a rocket ship"\); free text needs/,
    );
  });
});
