import type { Principal } from "@/server/domain/principal";

/**
 * Principals for router tests that do not need real accounts (createContextInner with
 * one of these). Tests of sign-in itself create people with server/auth/people.ts.
 */
export const TEST_SUPPORT: Principal = {
  kind: "staff",
  userId: "00000000-0000-7000-8000-00000000005a",
  email: "support@test.local",
  role: "support",
};
export const TEST_OPERATOR: Principal = {
  kind: "staff",
  userId: "00000000-0000-7000-8000-0000000000a0",
  email: "operator@test.local",
  role: "operator",
};
export const TEST_ADMIN: Principal = {
  kind: "staff",
  userId: "00000000-0000-7000-8000-0000000000ad",
  email: "admin@test.local",
  role: "admin",
};
