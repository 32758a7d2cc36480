/** What a staff member may do (server/auth/roles.ts says which role may do what). */
export const STAFF_ROLES = ["support", "operator", "admin"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
