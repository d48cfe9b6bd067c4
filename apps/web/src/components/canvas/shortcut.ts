/** What a key press on a drawing canvas asks for, if anything. */
export type CanvasCommand = "undo" | "redo" | "brush" | "eraser";

/**
 * Ctrl/Cmd+Z undoes, Ctrl/Cmd+Shift+Z and Ctrl+Y redo (the usual editors' keys); B and E pick the brush and the eraser.
 * Only read while the canvas or its toolbar has the focus, so a text field's own undo is left alone.
 */
export function canvasCommand(e: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}): CanvasCommand | undefined {
  const key = e.key.toLowerCase();
  if (e.altKey) return undefined;
  if (e.ctrlKey || e.metaKey) {
    if (key === "z") return e.shiftKey ? "redo" : "undo";
    if (key === "y" && !e.shiftKey) return "redo";
    return undefined;
  }
  if (e.shiftKey) return undefined;
  if (key === "b") return "brush";
  if (key === "e") return "eraser";
  return undefined;
}
