import { asc, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditRecords, staffUsers } from "@/db/schema";
import type { StaffRole } from "@/server/domain/roles";

export interface StaffRow {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  active: boolean;
  createdAt: Date;
  lastSignInAt: Date | null;
}

/** The people page: every staff account, with its last sign-in. */
export class StaffPresenter {
  constructor(private readonly db: Db) {}

  async call(): Promise<StaffRow[]> {
    const rows = await this.db
      .select({
        id: staffUsers.id,
        email: staffUsers.email,
        name: staffUsers.name,
        role: staffUsers.role,
        deactivatedAt: staffUsers.deactivatedAt,
        createdAt: staffUsers.createdAt,
        lastSignInAt: sql<string | null>`(select max(${auditRecords.at}) from ${auditRecords}
          where ${auditRecords.action} = 'signed_in' and ${auditRecords.actorId} = ${staffUsers.id}::text)`,
      })
      .from(staffUsers)
      .orderBy(asc(staffUsers.email));
    return rows.map(({ deactivatedAt, lastSignInAt, ...r }) => ({
      ...r,
      active: !deactivatedAt,
      lastSignInAt: lastSignInAt ? new Date(lastSignInAt) : null,
    }));
  }
}
