import pngText from "png-chunk-text";
import encodeChunks from "png-chunks-encode";
import extractChunks from "png-chunks-extract";

/**
 * PNG text chunks, in the browser and in Node: tEXt when the text is Latin-1 (what every viewer reads), iTXt (UTF-8)
 * otherwise. Chunks are added just before IEND, so the image data is untouched.
 */
export type PngText = readonly [keyword: string, text: string];

/** Latin-1 printable text, tab and line feed (what tEXt may hold). */
const LATIN1 = /^[\t\n\x20-\xff]*$/;
const utf8 = new TextEncoder();

/** `png` with `entries` as text chunks (existing chunks with the same keywords are replaced). */
export function addPngText(png: Uint8Array, entries: readonly PngText[]): Uint8Array {
  const keywords = new Set(entries.map(([k]) => k));
  const chunks = extractChunks(png).filter((c) => !isText(c.name) || !keywords.has(keywordOf(c.data)));
  const end = chunks.findIndex((c) => c.name === "IEND");
  const text = entries.map(([keyword, value]) =>
    LATIN1.test(value) ? pngText.encode(keyword, value) : { name: "iTXt", data: iTXt(keyword, value) },
  );
  chunks.splice(end < 0 ? chunks.length : end, 0, ...text);
  return encodeChunks(chunks);
}

/** Every tEXt and uncompressed iTXt chunk of `png`, by keyword; undefined when the bytes are not a PNG. */
export function readPngText(png: Uint8Array): Map<string, string> | undefined {
  let chunks: ReturnType<typeof extractChunks>;
  try {
    chunks = extractChunks(png);
  } catch {
    return undefined;
  }
  const out = new Map<string, string>();
  for (const c of chunks) {
    if (c.name === "tEXt") {
      const { keyword, text } = pngText.decode(c.data);
      out.set(keyword, text);
    } else if (c.name === "iTXt") {
      const parsed = parseITXt(c.data);
      if (parsed) out.set(parsed[0], parsed[1]);
    }
  }
  return out;
}

function isText(name: string): boolean {
  return name === "tEXt" || name === "iTXt";
}

function keywordOf(data: Uint8Array): string {
  const nul = data.indexOf(0);
  return String.fromCharCode(...data.subarray(0, nul < 0 ? data.length : nul));
}

/** keyword \0 compression-flag(0) method(0) language "" \0 translated "" \0 UTF-8 text. */
function iTXt(keyword: string, value: string): Uint8Array {
  const key = Uint8Array.from(keyword, (ch) => ch.charCodeAt(0));
  const text = utf8.encode(value);
  const out = new Uint8Array(key.length + 5 + text.length);
  out.set(key, 0);
  out.set(text, key.length + 5); // the five bytes between are 0, 0, 0, "" 0, "" 0
  return out;
}

function parseITXt(data: Uint8Array): [string, string] | undefined {
  const k = data.indexOf(0);
  if (k < 0 || data[k + 1] !== 0) return undefined; // compressed iTXt is not ours
  const lang = data.indexOf(0, k + 3);
  const translated = lang < 0 ? -1 : data.indexOf(0, lang + 1);
  if (translated < 0) return undefined;
  return [keywordOf(data), new TextDecoder().decode(data.subarray(translated + 1))];
}
