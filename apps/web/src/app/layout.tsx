import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AppNav } from "@/components/app-nav";
import { RecipeDrop } from "@/components/recipe-drop";
import { TRPCReactProvider } from "@/trpc/react";
import "./globals.css";

export const metadata: Metadata = {
  title: "Diffusion Studio",
  description: "Generate, edit and train diffusion models.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className="dark">
      <body className="min-h-screen bg-neutral-950 text-neutral-100 antialiased">
        <TRPCReactProvider>
          <AppNav />
          <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6 sm:py-10">{children}</main>
          <RecipeDrop />
        </TRPCReactProvider>
      </body>
    </html>
  );
}
