"use client";

import { useCallback, useState } from "react";

export interface Uploaded {
  id: string;
  url: string;
  width: number;
  height: number;
}

/** Sends an image (file, sketch or mask) to /api/uploads; the server decodes it and answers with its id. */
export function useUpload() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const upload = useCallback(async (blob: Blob): Promise<Uploaded | undefined> => {
    setPending(true);
    setError(undefined);
    try {
      const res = await fetch("/api/uploads", { method: "POST", body: blob });
      const body = (await res.json().catch(() => ({}))) as Partial<Uploaded> & { error?: { message?: string } };
      if (!res.ok || !body.id) {
        setError(body.error?.message ?? `upload failed (HTTP ${res.status})`);
        return undefined;
      }
      return body as Uploaded;
    } catch {
      setError("file: the upload did not reach the server");
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);
  return { upload, pending, error, clearError: () => setError(undefined) };
}
