import { getAuth } from "@/server/auth/auth";
import { handleAuthRequest } from "@/server/auth/handler";

export const dynamic = "force-dynamic";

/** better-auth's endpoints: POST sign-in/email, POST sign-out, GET get-session (sign-up is closed). */
const handler = (request: Request) => handleAuthRequest(getAuth(), request);

export { handler as GET, handler as POST };
