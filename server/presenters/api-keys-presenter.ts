import { desc, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { apiKeys } from "@/db/schema";

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  workflowTypes: string[] | null;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The API keys page: never the hash, never the secret. */
export class ApiKeyPresenter {
  constructor(private readonly db: Db) {}

  call(): Promise<ApiKeyRow[]> {
    return this.db
      .select({
        id: apiKeys.id,
        name: apiKeys.name,
        prefix: apiKeys.prefix,
        scopes: apiKeys.scopes,
        workflowTypes: apiKeys.workflowTypes,
        createdBy: apiKeys.createdBy,
        createdAt: apiKeys.createdAt,
        lastUsedAt: apiKeys.lastUsedAt,
        revokedAt: apiKeys.revokedAt,
      })
      .from(apiKeys)
      .orderBy(sql`${apiKeys.revokedAt} is not null`, desc(apiKeys.createdAt));
  }
}
