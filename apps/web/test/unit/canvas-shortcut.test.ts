import { describe, expect, it } from "vitest";
import { canvasCommand } from "@/components/canvas/shortcut";

const key = (k: string, mods: Partial<Record<"ctrlKey" | "metaKey" | "shiftKey" | "altKey", boolean>> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe("canvas shortcuts", () => {
  it("reads Ctrl/Cmd+Z as undo and Ctrl/Cmd+Shift+Z or Ctrl+Y as redo", () => {
    expect(canvasCommand(key("z", { ctrlKey: true }))).toBe("undo");
    expect(canvasCommand(key("z", { metaKey: true }))).toBe("undo");
    // Shift makes the key a capital Z.
    expect(canvasCommand(key("Z", { ctrlKey: true, shiftKey: true }))).toBe("redo");
    expect(canvasCommand(key("Z", { metaKey: true, shiftKey: true }))).toBe("redo");
    expect(canvasCommand(key("y", { ctrlKey: true }))).toBe("redo");
  });

  it("picks the brush with B and the eraser with E, and ignores other keys", () => {
    expect(canvasCommand(key("b"))).toBe("brush");
    expect(canvasCommand(key("E"))).toBe("eraser");
    expect(canvasCommand(key("z"))).toBeUndefined();
    expect(canvasCommand(key("b", { ctrlKey: true }))).toBeUndefined();
    expect(canvasCommand(key("z", { ctrlKey: true, altKey: true }))).toBeUndefined();
  });
});
