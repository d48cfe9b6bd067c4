/**
 * A minimal reader of Hugging Face `tokenizer.json` files for T5's SentencePiece **Unigram** model: normalizer,
 * pre-tokenizer (WhitespaceSplit / Metaspace / Sequence), Viterbi segmentation and the `</s>` post-processor.
 *
 * Why not transformers.js (`@huggingface/transformers`)? It pulls in its own onnxruntime-node/-web builds and
 * `sharp` (native image binaries), megabytes for one tokenizer, and adding a dependency would mean rewriting the
 * shared workspace lockfile. Unigram encoding is a ~150-line algorithm, so it lives here. Limits (checked, with clear
 * errors): `Precompiled` normalizers (real T5's charsmap) are approximated by Unicode NFKC, which agrees for ordinary
 * text; `Replace` regexes run as JS regexes; byte fallback and pair inputs are not supported.
 */
import { DeepFloydFormatError, Fields } from "./validate.js";

interface TrieNode {
  children: Map<string, TrieNode>;
  id: number;
}

type Normalize = (s: string) => string;
type PreTokenize = (words: string[]) => string[];

const K_UNK_PENALTY = 10;

function readNormalizer(f: Fields | null): Normalize {
  if (!f) return (s) => s;
  const type = f.string("type");
  switch (type) {
    case "Sequence": {
      const steps = f.array("normalizers", (v, name) => readNormalizer(f.item(v, name)));
      return (s) => steps.reduce((acc, n) => n(acc), s);
    }
    case "Lowercase":
      return (s) => s.toLowerCase();
    case "Strip":
      return (s) => s.trim();
    case "NFKC":
    case "NFC":
    case "NFD":
    case "NFKD":
      return (s) => s.normalize(type);
    case "Precompiled":
      return (s) => s.normalize("NFKC");
    case "Replace": {
      const pattern = f.object("pattern");
      const to = f.string("content");
      if (pattern.has("String")) {
        const from = pattern.string("String");
        return (s) => s.split(from).join(to);
      }
      // e.g. T5's Replace(Regex(" {2,}"), " "); simple Oniguruma patterns read the same as JS ones
      const regex = pattern.has("Regex")
        ? pattern.string("Regex")
        : pattern.fail("String", "a string (or Regex)", undefined);
      const re = new RegExp(regex, "gu");
      return (s) => s.replace(re, to);
    }
    default:
      return f.fail("type", "Sequence, Lowercase, Strip, NFC/NFD/NFKC/NFKD, Precompiled or Replace", type);
  }
}

function readPreTokenizer(f: Fields | null): PreTokenize {
  if (!f) return (w) => w;
  const type = f.string("type");
  switch (type) {
    case "Sequence": {
      const steps = f.array("pretokenizers", (v, name) => readPreTokenizer(f.item(v, name)));
      return (w) => steps.reduce((acc, p) => p(acc), w);
    }
    case "WhitespaceSplit":
      return (w) => w.flatMap((s) => s.split(/\s+/u).filter((x) => x.length > 0));
    case "Metaspace": {
      const replacement = f.string("replacement");
      const scheme = f.has("prepend_scheme")
        ? f.oneOf("prepend_scheme", ["always", "first", "never"] as const)
        : f.has("add_prefix_space") && !f.boolean("add_prefix_space")
          ? "never"
          : "always";
      const split = f.has("split") ? f.boolean("split") : true;
      return (w) =>
        w.flatMap((s, i) => {
          let t = s.replaceAll(" ", replacement);
          const prepend = scheme === "always" || (scheme === "first" && i === 0);
          if (prepend && !t.startsWith(replacement)) t = replacement + t;
          if (!split) return [t];
          // split before every replacement character (it starts the next piece)
          const pieces: string[] = [];
          let cur = "";
          for (const ch of t) {
            if (ch === replacement && cur.length > 0) {
              pieces.push(cur);
              cur = "";
            }
            cur += ch;
          }
          if (cur.length > 0) pieces.push(cur);
          return pieces;
        });
    }
    default:
      return f.fail("type", "Sequence, WhitespaceSplit or Metaspace", type);
  }
}

export interface Tokenizer {
  /** Token ids of one text, with the post-processor's special tokens (T5: a trailing `</s>`), unpadded. */
  encode(text: string): number[];
  readonly vocabSize: number;
}

/** Builds a Unigram tokenizer from a parsed `tokenizer.json`. */
export function unigramTokenizer(json: unknown, source = "tokenizer.json"): Tokenizer {
  const root = Fields.root(source, json);
  const model = root.object("model");
  model.oneOf("type", ["Unigram"]);
  if (model.has("byte_fallback") && model.boolean("byte_fallback")) {
    model.fail("byte_fallback", "false (byte fallback is not supported)", true);
  }
  const vocab = model.array("vocab", (v, name) => {
    if (!Array.isArray(v) || typeof v[0] !== "string" || typeof v[1] !== "number") {
      throw new DeepFloydFormatError(`${source}: \`${name}\` must be [piece, score] (got ${JSON.stringify(v)})`);
    }
    return [v[0], v[1]] as const;
  });
  const unkId = model.number("unk_id", { min: 0, max: vocab.length - 1, integer: true });
  const minScore = Math.min(...vocab.map(([, s]) => s));
  const unkScore = minScore - K_UNK_PENALTY;
  const trie: TrieNode = { children: new Map(), id: -1 };
  vocab.forEach(([piece], id) => {
    let node = trie;
    for (const ch of piece) {
      let next = node.children.get(ch);
      if (!next) {
        next = { children: new Map(), id: -1 };
        node.children.set(ch, next);
      }
      node = next;
    }
    if (node.id < 0) node.id = id;
  });
  const normalize = readNormalizer(root.optionalObject("normalizer"));
  const preTokenize = readPreTokenizer(root.optionalObject("pre_tokenizer"));
  const suffix = readPostProcessor(root.optionalObject("post_processor"), new Map(vocab.map(([p], i) => [p, i])));

  /** Viterbi: the segmentation with the highest total score; uncovered characters become (fused) `<unk>`. */
  const segment = (word: string): number[] => {
    const chars = Array.from(word);
    const n = chars.length;
    const best = new Float64Array(n + 1).fill(Number.NEGATIVE_INFINITY);
    const from = new Int32Array(n + 1).fill(-1);
    const token = new Int32Array(n + 1).fill(-1);
    best[0] = 0;
    for (let start = 0; start < n; start++) {
      if (best[start] === Number.NEGATIVE_INFINITY) continue;
      let node: TrieNode | undefined = trie;
      let singleChar = false;
      for (let end = start; end < n && node; end++) {
        node = node.children.get(chars[end]!);
        if (node && node.id >= 0) {
          if (end === start) singleChar = true;
          const score = best[start]! + vocab[node.id]![1];
          if (score > best[end + 1]!) {
            best[end + 1] = score;
            from[end + 1] = start;
            token[end + 1] = node.id;
          }
        }
      }
      if (!singleChar) {
        const score = best[start]! + unkScore;
        if (score > best[start + 1]!) {
          best[start + 1] = score;
          from[start + 1] = start;
          token[start + 1] = unkId;
        }
      }
    }
    const ids: number[] = [];
    for (let end = n; end > 0; end = from[end]!) ids.push(token[end]!);
    ids.reverse();
    return ids.filter((id, i) => !(id === unkId && ids[i - 1] === unkId)); // fuse consecutive unknowns
  };

  return {
    vocabSize: vocab.length,
    encode(text) {
      const words = preTokenize([normalize(text)]);
      return [...words.flatMap(segment), ...suffix];
    },
  };
}

/** The ids a `TemplateProcessing` post-processor appends after a single sequence (T5: `</s>`). */
function readPostProcessor(f: Fields | null, ids: ReadonlyMap<string, number>): number[] {
  if (!f) return [];
  f.oneOf("type", ["TemplateProcessing"]);
  const single = f.array("single", (v, name) => f.item(v, name));
  const seqAt = single.findIndex((s) => s.has("Sequence"));
  if (seqAt !== 0) f.fail("single", "a template starting with the sequence ($A), e.g. [$A, </s>]", f.value.single);
  return single.slice(1).map((s) => {
    const special = s.object("SpecialToken");
    const name = special.string("id");
    const id = ids.get(name);
    return id ?? special.fail("id", "a token in the vocabulary", name);
  });
}
