import type { Metadata } from "next";
import { ApiKeysAdmin } from "./api-keys-admin";

export const metadata: Metadata = { title: "API keys" };

export default function ApiKeysPage() {
  return <ApiKeysAdmin />;
}
