"use client";

import { Button, Field, Notice, Panel, TextInput } from "@diffusion-studio/ui";
import { useRouter } from "next/navigation";
import { useState } from "react";

/** Signs this browser in with the team token (the server sets a signed session cookie), or out again. */
export default function SignInPage() {
  const router = useRouter();
  const [token, setToken] = useState("");
  const [error, setError] = useState<string>();
  return (
    <div className="mx-auto max-w-md">
      <Panel title="Sign in with the team token">
        <form
          className="flex flex-col gap-4"
          onSubmit={async (e) => {
            e.preventDefault();
            const res = await fetch("/api/session", {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ token }),
            });
            if (res.ok) router.push("/");
            else setError(((await res.json()) as { error?: { message?: string } }).error?.message ?? "sign-in failed");
          }}
        >
          <Field label="Team token" htmlFor="token" hint="Ask whoever started this portal (TEAM_TOKEN).">
            <TextInput id="token" type="password" value={token} onChange={(e) => setToken(e.target.value)} />
          </Field>
          {error && <Notice tone="error">{error}</Notice>}
          <div className="flex gap-2">
            <Button type="submit">Sign in</Button>
            <Button
              type="button"
              variant="ghost"
              onClick={async () => {
                await fetch("/api/session", { method: "DELETE" });
                setError(undefined);
                router.push("/sign-in");
                router.refresh();
              }}
            >
              Sign out
            </Button>
          </div>
        </form>
      </Panel>
    </div>
  );
}
