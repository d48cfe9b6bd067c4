"use client";

import { Button, Field, Notice, Panel, TextInput } from "@diffusion-studio/ui";
import { useRouter } from "next/navigation";
import { useState } from "react";

/** Stores the team token in an http-only cookie so this browser may run jobs on an exposed portal. */
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
          <Button type="submit">Sign in</Button>
        </form>
      </Panel>
    </div>
  );
}
