import { processServices } from "@/app/_lib/services";
import { handleAuthRequest } from "@/server/auth/handler";

export const dynamic = "force-dynamic";

/** better-auth's endpoints: POST sign-in/email, POST sign-out, GET get-session (sign-up is closed). */
const handler = (request: Request) => handleAuthRequest(processServices().auth, request);

export { handler as GET, handler as POST };
