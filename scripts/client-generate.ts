import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { CLIENT_SCHEMA_FILE, clientSchemaText } from "./lib/client-schema";
import { answerHelp } from "./lib/usage";

answerHelp(`
usage: npm run client:generate [-- --check]

Writes client/schema.d.ts, the typed client's types, from the OpenAPI document
(server/http/openapi.ts) with openapi-typescript. Run it after changing the API's schemas.
  --check   write nothing; exit 1 when the committed file differs from the document
`);

const text = await clientSchemaText();
const committed = existsSync(CLIENT_SCHEMA_FILE) ? readFileSync(CLIENT_SCHEMA_FILE, "utf8") : null;
if (process.argv.includes("--check")) {
  if (committed !== text) {
    console.error("client/schema.d.ts differs from the OpenAPI document: run npm run client:generate");
    process.exit(1);
  }
  console.log("client/schema.d.ts matches the OpenAPI document");
} else if (committed === text) {
  console.log("client/schema.d.ts is up to date");
} else {
  writeFileSync(CLIENT_SCHEMA_FILE, text);
  console.log("wrote client/schema.d.ts");
}
