import type { Metadata, Viewport } from "next";
import { NuqsAdapter } from "nuqs/adapters/next/app";
import type { ReactNode } from "react";
import { DatabaseBanner } from "./_components/database-banner";
import { Nav } from "./_components/nav";
import { SearchShortcut } from "./_components/search-shortcut";
import { TRPCReactProvider } from "./_lib/trpc";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Throughline", template: "%s · Throughline" },
  description: "What happens to a request after the API answers.",
  icons: { icon: "/icon.svg" }, // browsers without SVG icons ask for public/favicon.ico
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <NuqsAdapter>
          <TRPCReactProvider>
            <Nav />
            <SearchShortcut />
            <DatabaseBanner />
            <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
          </TRPCReactProvider>
        </NuqsAdapter>
      </body>
    </html>
  );
}
