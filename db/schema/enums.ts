import { pgEnum } from "drizzle-orm/pg-core";
import { EVENT_TYPES } from "@/server/domain/events";
import { BLOCK_KINDS, OPERATION_STATUSES, STEP_STATUSES } from "@/server/domain/statuses";

export const operationStatus = pgEnum("operation_status", OPERATION_STATUSES);
export const stepStatus = pgEnum("step_status", STEP_STATUSES);
export const blockKind = pgEnum("block_kind", BLOCK_KINDS);
export const eventType = pgEnum("event_type", EVENT_TYPES);
