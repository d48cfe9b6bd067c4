import { describe, expect, it } from "vitest";
import { canRedo, canUndo, record, redo, startHistory, undo } from "../src/paint-history.js";

describe("paint history", () => {
  it("undoes and redoes strokes in order", () => {
    let h = startHistory("blank");
    h = record(h, "stroke 1");
    h = record(h, "stroke 2");
    expect(h.present).toBe("stroke 2");
    h = undo(h);
    expect(h.present).toBe("stroke 1");
    h = undo(h);
    expect(h.present).toBe("blank");
    expect(canUndo(h)).toBe(false);
    h = redo(h);
    expect(h.present).toBe("stroke 1");
    h = redo(h);
    expect(h.present).toBe("stroke 2");
    expect(canRedo(h)).toBe(false);
  });

  it("does nothing when there is nothing to undo or redo", () => {
    const h = startHistory("blank");
    expect(undo(h)).toBe(h);
    expect(redo(h)).toBe(h);
  });

  it("drops what was undone once a new stroke is drawn", () => {
    let h = record(record(startHistory("blank"), "a"), "b");
    h = record(undo(h), "c");
    expect(h.present).toBe("c");
    expect(canRedo(h)).toBe(false);
    expect(undo(h).present).toBe("a");
  });

  it("keeps at most `limit` undo steps, dropping the oldest", () => {
    let h = startHistory(0);
    for (let i = 1; i <= 10; i++) h = record(h, i, 3);
    expect(h.past).toEqual([7, 8, 9]);
    h = undo(undo(undo(h)));
    expect(h.present).toBe(7);
    expect(canUndo(h)).toBe(false);
  });

  it("never changes the history it is given", () => {
    const h = record(startHistory("blank"), "a");
    const copy = structuredClone(h);
    record(h, "b");
    undo(h);
    redo(undo(h));
    expect(h).toEqual(copy);
  });
});
