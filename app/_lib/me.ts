"use client";

import { useQuery } from "@tanstack/react-query";
import { useHydrated } from "./hydrated";
import { useTRPC } from "./trpc";

/**
 * Who is signed in, for the buttons a role may press (the server checks every action again).
 * One query, shared by the nav and every page; undefined until known and while hydrating, as on
 * the server (see useHydrated).
 */
export function useMe() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
  return useHydrated() ? me.data : undefined;
}
