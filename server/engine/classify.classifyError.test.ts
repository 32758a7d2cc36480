import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NeedsPersonError, PermanentError, TransientError } from "@/server/workflows/kit/errors";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { classifyError } from "./classify";

/** Real PostgreSQL errors (and a real refused connection), sorted by classifyError. */
let t: TestDatabase;
const SECRET = "private.person@example.com";

beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.$client`create table classify_probe (id int primary key, email text not null)`;
  await t.db.$client`insert into classify_probe values (1, ${SECRET})`;
});
afterAll(() => t.drop());

/** The error PostgreSQL answers a statement with. */
async function refusal(run: (sql: postgres.Sql) => Promise<unknown>): Promise<unknown> {
  return run(t.db.$client).then(
    () => {
      throw new Error("the statement succeeded");
    },
    (e: unknown) => e,
  );
}

describe("classifyError on real database errors", () => {
  it.each([
    [
      "22003 numeric out of range",
      (sql: postgres.Sql) => sql`insert into classify_probe values (${2 ** 31}, ${SECRET})`,
      "database_invalid_value",
    ],
    ["22P02 invalid text", (sql: postgres.Sql) => sql`select ${SECRET}::int`, "database_invalid_value"],
    [
      "23505 unique violation",
      (sql: postgres.Sql) => sql`insert into classify_probe values (1, ${SECRET})`,
      "database_constraint",
    ],
    [
      "23502 not-null violation",
      (sql: postgres.Sql) => sql`insert into classify_probe values (2, null)`,
      "database_constraint",
    ],
  ])("%s is permanent, and its text (SQL, parameters) is not kept", async (_name, run, code) => {
    const thrown = await refusal(run);
    const c = classifyError(thrown);
    expect(c.errorClass).toBe("permanent");
    expect(c.error.code).toBe(code);
    expect(c.error.message).not.toContain(SECRET);
    expect(c.error.message).not.toContain("classify_probe");
    expect(c.error.message).toContain(`Incident ${c.error.incidentId}`);
  });

  it("a lost connection (terminated backend, refused connect) and other SQLSTATEs are transient", async () => {
    const own = postgres(t.url, { max: 1, onnotice: () => {} });
    const terminated = await refusal(() => own`select pg_terminate_backend(pg_backend_pid())`);
    await own.end({ timeout: 0 });
    expect(classifyError(terminated)).toMatchObject({
      errorClass: "transient",
      error: { code: "database_unavailable" },
    });
    const closed = postgres("postgres://nobody@127.0.0.1:1/none", { max: 1, connect_timeout: 2 });
    const refused = await refusal(() => closed`select 1`);
    await closed.end({ timeout: 0 });
    expect(classifyError(refused)).toMatchObject({
      errorClass: "transient",
      error: { code: "database_unavailable" },
    });
    const missing = await refusal((sql) => sql`select * from no_such_table`);
    expect(classifyError(missing)).toMatchObject({
      errorClass: "transient",
      error: { code: "database_error" },
    });
  });

  it("the kit's errors keep their class and their author's words; other errors only their class name", () => {
    expect(classifyError(new PermanentError("Card declined", { code: "card_declined" })).error).toEqual({
      message: "Card declined",
      errorClass: "permanent",
      code: "card_declined",
    });
    expect(classifyError(new TransientError("Carrier slow")).errorClass).toBe("transient");
    expect(
      classifyError(new NeedsPersonError("Confirm", { kind: "awaiting_person", actionRequired: "Ask" })),
    ).toMatchObject({ errorClass: "needs_person", kind: "awaiting_person", actionRequired: "Ask" });
    const odd = classifyError(new TypeError(`Cannot read properties of ${SECRET}`));
    expect(odd).toMatchObject({ errorClass: "transient", error: { code: "unexpected_error" } });
    expect(odd.error.message).toMatch(/^The step failed with an unexpected error \(TypeError\)\. Incident /);
    expect(classifyError(SECRET).error.message).not.toContain(SECRET);
  });
});
