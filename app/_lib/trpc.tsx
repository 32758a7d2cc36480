"use client";

import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { type ReactNode, useState } from "react";
import superjson from "superjson";
import type { AppRouter } from "@/server/routers/_app";
import { MAX_TRPC_BATCH } from "@/server/trpc/limits";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

/** A session that ended (expired, signed out elsewhere, deactivated) sends the page to sign-in. */
function onQueryError(error: unknown) {
  const code = (error as { data?: { code?: string } } | null)?.data?.code;
  if (code !== "UNAUTHORIZED" || typeof window === "undefined") return;
  const path = window.location.pathname;
  if (path === "/sign-in" || path === "/setup" || path.startsWith("/track/")) return;
  window.location.assign(`/sign-in?next=${encodeURIComponent(path + window.location.search)}`);
}

function makeQueryClient() {
  return new QueryClient({
    queryCache: new QueryCache({ onError: onQueryError }),
    defaultOptions: { queries: { staleTime: 5_000, refetchOnWindowFocus: false } },
  });
}

/**
 * One QueryClient and tRPC client per browser tab. Subscriptions go over SSE
 * (httpSubscriptionLink, which resumes from the last tracked id after a reconnect);
 * queries and mutations are batched over HTTP.
 */
export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url: "/api/trpc", transformer: superjson }),
          false: httpBatchLink({ url: "/api/trpc", transformer: superjson, maxItems: MAX_TRPC_BATCH }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
