import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { staffUsers } from "@/db/schema";
import type { StaffRole } from "@/server/domain/roles";

/** One staff member as the signed-in person sees themself (the user menu). */
export class StaffMemberPresenter {
  constructor(private readonly db: Db) {}

  async call(userId: string): Promise<{ id: string; email: string; name: string; role: StaffRole } | null> {
    const [row] = await this.db
      .select({ id: staffUsers.id, email: staffUsers.email, name: staffUsers.name, role: staffUsers.role })
      .from(staffUsers)
      .where(eq(staffUsers.id, userId));
    return row ?? null;
  }
}
